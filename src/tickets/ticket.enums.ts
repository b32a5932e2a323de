import { registerEnumType } from 'type-graphql';

/** Where the request came in (渠道). */
export enum Channel {
  PHONE = 'PHONE',
  WEB = 'WEB',
  WECHAT = 'WECHAT',
  QR_CODE = 'QR_CODE',
  APP = 'APP',
  EMAIL = 'EMAIL',
  /** 网络线索: found online */
  ONLINE_CLUE = 'ONLINE_CLUE',
  /** a legacy 311 app through the Open311 adapter */
  OPEN311 = 'OPEN311',
}
registerEnumType(Channel, { name: 'Channel', description: '渠道: where the request came in.' });

/** The ticket's place in its life (see DOMAIN.md). */
export enum TicketStatus {
  /** 受理: taken in, not yet at a department */
  RECEIVED = 'RECEIVED',
  /** 派单: at the lead department, waiting to be accepted */
  DISPATCHED = 'DISPATCHED',
  /** 签收 */
  ACCEPTED = 'ACCEPTED',
  /** 办理 */
  IN_PROGRESS = 'IN_PROGRESS',
  /** 疑难调处: the department's reject is disputed */
  ARBITRATION = 'ARBITRATION',
  /** 办结: the department replied */
  RESOLVED = 'RESOLVED',
  /** 重办: the citizen was dissatisfied */
  REOPENED = 'REOPENED',
  CLOSED = 'CLOSED',
  /** merged under a parent ticket (a duplicate report) */
  MERGED = 'MERGED',
}
registerEnumType(TicketStatus, { name: 'TicketStatus' });

/** The kind of request; it sets the resolution deadline. */
export enum TicketCategory {
  /** 咨询: 1 working day */
  CONSULTATION = 'CONSULTATION',
  /** 求助: 5 working days */
  HELP_REQUEST = 'HELP_REQUEST',
  /** 投诉: 5 working days */
  COMPLAINT = 'COMPLAINT',
  /** 举报: 5 working days */
  REPORT = 'REPORT',
  /** 建议: 5 working days */
  SUGGESTION = 'SUGGESTION',
}
registerEnumType(TicketCategory, { name: 'TicketCategory' });

export enum Urgency {
  NORMAL = 'NORMAL',
  /** 紧急: accept within 30 minutes */
  URGENT = 'URGENT',
}
registerEnumType(Urgency, { name: 'Urgency' });

/** 专席: seats for callers with particular needs. */
export enum AccessNeed {
  /** 长者专席 */
  ELDERLY = 'ELDERLY',
  /** 手语专席 */
  HEARING_IMPAIRED = 'HEARING_IMPAIRED',
  /** 心理专席 */
  PSYCHOLOGICAL = 'PSYCHOLOGICAL',
}
registerEnumType(AccessNeed, { name: 'AccessNeed' });

/** 满意 / 基本满意 / 不满意 */
export enum Satisfaction {
  SATISFIED = 'SATISFIED',
  BASICALLY_SATISFIED = 'BASICALLY_SATISFIED',
  DISSATISFIED = 'DISSATISFIED',
}
registerEnumType(Satisfaction, { name: 'Satisfaction' });

/** 解决 / 部分解决 / 未解决 */
export enum Resolution {
  RESOLVED = 'RESOLVED',
  PARTLY_RESOLVED = 'PARTLY_RESOLVED',
  NOT_RESOLVED = 'NOT_RESOLVED',
}
registerEnumType(Resolution, { name: 'Resolution' });

/** What happened to a ticket: one per state change, in the append-only audit log. */
export enum TicketEventType {
  CREATED = 'CREATED',
  DISPATCHED = 'DISPATCHED',
  REDISPATCHED = 'REDISPATCHED',
  ACCEPTED = 'ACCEPTED',
  STARTED = 'STARTED',
  REJECTED = 'REJECTED',
  REJECT_DISPUTED = 'REJECT_DISPUTED',
  ARBITRATED = 'ARBITRATED',
  CO_DEPARTMENTS_ADDED = 'CO_DEPARTMENTS_ADDED',
  EXTENSION_REQUESTED = 'EXTENSION_REQUESTED',
  EXTENSION_DECIDED = 'EXTENSION_DECIDED',
  RESOLVED = 'RESOLVED',
  RESOLVED_ON_CALL = 'RESOLVED_ON_CALL',
  PARENT_RESOLVED = 'PARENT_RESOLVED',
  RETURN_VISITED = 'RETURN_VISITED',
  CLOSED = 'CLOSED',
  MERGED = 'MERGED',
}
registerEnumType(TicketEventType, { name: 'TicketEventType' });

export enum ExtensionStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  DENIED = 'DENIED',
  /** still pending when the ticket was resolved */
  LAPSED = 'LAPSED',
}
registerEnumType(ExtensionStatus, { name: 'ExtensionStatus' });
