import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import type { RoleHolder } from '../api.ts';

export const SAFEGUARDING_ROLES = ['dsl', 'deputy_dsl'];
/** The roles people look for when they need to tell someone, in the order to try them. */
export const WHO_TO_TELL_ROLES = [
  'dsl',
  'deputy_dsl',
  'headteacher',
  'online_safety_lead',
  'network_manager',
  'online_safety_governor',
  'chair_of_governors',
  'trust_safeguarding_lead',
  'trust_ceo',
];
export const isWhoToTell = (role: string) => WHO_TO_TELL_ROLES.includes(role);

export function ContactLinks({ email, phone }: { email: string | null; phone: string | null }) {
  if (!email && !phone) return <Text fz="sm">No contact details recorded.</Text>;
  return (
    <Stack gap={8} align="flex-start">
      {email && (
        <Anchor href={`mailto:${email}`} fz="sm" className="break-anywhere">
          {email}
        </Anchor>
      )}
      {phone && (
        <Anchor href={`tel:${phone.replace(/\s/g, '')}`} fz="sm">
          {phone}
        </Anchor>
      )}
    </Stack>
  );
}

export function HolderCard({ holder, prominent, headingOrder = 3 }: { holder: RoleHolder; prominent?: boolean; headingOrder?: 2 | 3 | 4 }) {
  return (
    <Card withBorder padding="md" radius="md" bg={prominent ? 'blue.0' : undefined} style={prominent ? { borderColor: 'var(--mantine-color-blue-4)' } : undefined}>
      <Stack gap={6}>
        <Group gap="xs" justify="space-between" wrap="wrap">
          <Text fz="sm" fw={700} c="blue.9" tt="uppercase" style={{ letterSpacing: '0.03em' }}>
            {holder.label}
          </Text>
          {holder.trustWide && (
            <Badge color="gray.8" variant="outline" size="sm">
              Trust-wide
            </Badge>
          )}
        </Group>
        <Title order={headingOrder} fz={prominent ? 22 : 18} fw={700}>
          <Anchor component={Link} to={`/people/${holder.personId}`} c="inherit" underline="hover">
            {holder.name}
          </Anchor>
        </Title>
        {holder.jobTitle && <Text fz="sm">{holder.jobTitle}</Text>}
        <ContactLinks email={holder.email} phone={holder.phone} />
      </Stack>
    </Card>
  );
}

export function HolderGrid({ holders, prominent, headingOrder }: { holders: RoleHolder[]; prominent?: boolean; headingOrder?: 2 | 3 | 4 }) {
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
      {holders.map((h) => (
        <HolderCard key={`${h.role}:${h.personId}`} holder={h} prominent={prominent} headingOrder={headingOrder} />
      ))}
    </SimpleGrid>
  );
}
