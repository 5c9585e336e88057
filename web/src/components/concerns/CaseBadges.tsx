// The small flags a responder scans for: status, urgent, repeated, about staff.
import { Badge, Group } from '@mantine/core';
import { type ConcernSummary, statusLabel } from './types.ts';

export function CaseBadges({ c }: { c: Pick<ConcernSummary, 'status' | 'urgent' | 'repeated' | 'aboutStaff'> }) {
  return (
    <Group gap={6} wrap="wrap">
      <Badge variant="outline" color="gray.8" tt="none">
        {statusLabel(c.status)}
      </Badge>
      {c.urgent && (
        <Badge color="red.8" tt="none">
          Urgent
        </Badge>
      )}
      {c.repeated && (
        <Badge color="orange" variant="light" tt="none">
          Repeated
        </Badge>
      )}
      {c.aboutStaff && (
        <Badge color="grape.8" tt="none">
          About staff
        </Badge>
      )}
    </Group>
  );
}
