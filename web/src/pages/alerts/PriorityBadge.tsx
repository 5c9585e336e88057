import { Badge } from '@mantine/core';
import { ALERT_STATUS_LABELS, PRIORITY_COLORS, PRIORITY_LABELS } from './types.ts';

export function PriorityBadge({ priority }: { priority: string }) {
  return (
    <Badge color={PRIORITY_COLORS[priority] ?? 'gray.7'} tt="none">
      {PRIORITY_LABELS[priority] ?? priority}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge variant="outline" color="gray.8" tt="none">
      {ALERT_STATUS_LABELS[status] ?? status}
    </Badge>
  );
}
