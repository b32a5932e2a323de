import type { Ticket } from './ticket.entity';
import type { TicketStatus } from './ticket.enums';

/**
 * What a ticket's event carries on the stream: the facts consumers (subscribers, heatmap
 * rollups, risk detectors) need, and no personal data — no name, phone, address or free text.
 */
export interface TicketEventPayload {
  ticketId: string;
  number: string;
  /** the ticket's version after the event (its audit-log seq) */
  seq: number;
  fromStatus: TicketStatus | null;
  status: TicketStatus;
  districtId: string;
  leadDepartmentId: string | null;
  coDepartmentIds: string[];
  matterId: string | null;
  /** the matter before the event (a re-route moves the ticket between matters) */
  fromMatterId: string | null;
  /** H3 cell of the location (HEATMAP_RESOLUTION), null without one */
  cell: string | null;
  channel: string;
  category: string;
  urgency: string;
  lat: number | null;
  lng: number | null;
  createdAt: string;
  dueAt: string | null;
  actor: string;
}

export function ticketEventPayload(
  t: Ticket,
  e: { seq: number; from: TicketStatus | null; to: TicketStatus; actor: string; fromMatterId: string | null },
): Record<string, unknown> {
  const p: TicketEventPayload = {
    ticketId: t.id,
    number: t.number,
    seq: e.seq,
    fromStatus: e.from,
    status: e.to,
    districtId: t.districtId,
    leadDepartmentId: t.leadDepartmentId ?? null,
    coDepartmentIds: [...t.coDepartmentIds],
    matterId: t.matterId ?? null,
    fromMatterId: e.from === null ? null : e.fromMatterId,
    cell: t.cell ?? null,
    channel: t.channel,
    category: t.category,
    urgency: t.urgency,
    lat: t.lat ?? null,
    lng: t.lng ?? null,
    createdAt: t.createdAt.toISOString(),
    dueAt: t.dueAt ? t.dueAt.toISOString() : null,
    actor: e.actor,
  };
  return p as unknown as Record<string, unknown>;
}
