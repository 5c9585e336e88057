// The indecent-image question, its "stop" instructions, and the evidence file chooser it guards.
import { Alert, FileInput, List, Radio, Stack, Text } from '@mantine/core';

/** What to do instead of uploading material that may be an indecent image of a child. */
export function IndecentImageAlert() {
  return (
    <Alert color="red" variant="filled" title="Do not upload it — do this instead" role="alert">
      <List size="md" spacing={4} c="white">
        <List.Item>Do not view, copy, print, forward or screenshot the material again — not even to show someone.</List.Item>
        <List.Item>Isolate the device: leave it switched on, do not use it, keep it somewhere safe, and do not let anyone else use it.</List.Item>
        <List.Item>Tell the designated safeguarding lead now, in person or by phone.</List.Item>
        <List.Item>The DSL reports it to the police (call 999 if a child is in danger now) or to CEOP.</List.Item>
      </List>
      <Text mt="xs" c="white">
        Describe what you saw in words in this report. Haven will not accept the file itself.
      </Text>
    </Alert>
  );
}

export function IndecentQuestion({ value, onChange }: { value: boolean | null; onChange: (v: boolean) => void }) {
  return (
    <Radio.Group
      label="Could the material be an indecent image of a child?"
      description="Any sexual or nude image of someone under 18, including one they took themselves."
      value={value === null ? null : value ? 'yes' : 'no'}
      onChange={(v) => onChange(v === 'yes')}
      withAsterisk
    >
      <Stack gap={6} mt={6}>
        <Radio value="no" label="No" />
        <Radio value="yes" label="Yes, or I am not sure" />
      </Stack>
    </Radio.Group>
  );
}

/** The file chooser: only offered once the reporter has said the material is not an indecent image. */
export function EvidenceFiles({ mayBeIndecent, files, onChange, label = 'Evidence files (optional)' }: { mayBeIndecent: boolean | null; files: File[]; onChange: (f: File[]) => void; label?: string }) {
  if (mayBeIndecent === true) return <IndecentImageAlert />;
  if (mayBeIndecent === null) {
    return (
      <Text fz="sm" c="dimmed">
        Answer the question above to add screenshots or documents.
      </Text>
    );
  }
  return (
    <FileInput
      label={label}
      description="Screenshots, photos of a screen or documents. Up to 20 MB each."
      placeholder="Choose files"
      multiple
      clearable
      value={files}
      onChange={onChange}
      clearButtonProps={{ 'aria-label': 'Remove chosen files' }}
    />
  );
}

/** Multipart body for POST /concerns/:id/evidence: the answer goes before the file, as the server reads in order. */
export function evidenceForm(file: File, mayBeIndecentImages: boolean): FormData {
  const form = new FormData();
  form.append('mayBeIndecentImages', String(mayBeIndecentImages));
  form.append('file', file, file.name);
  return form;
}
