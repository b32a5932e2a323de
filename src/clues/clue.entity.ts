import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { RedactPersonalData, WithheldPersonalData } from '../auth/redact';
import { Field, Float, Int, ObjectType, registerEnumType, UseMiddleware } from 'type-graphql';
import { Node } from '../shared/relay';

/** 线索发现—核实—立案—督办: where a clue stands. */
export enum ClueStatus {
  /** 待核实: received, waiting for a supervisor */
  RECEIVED = 'RECEIVED',
  /** 已立案: confirmed and filed as a ticket (channel ONLINE_CLUE) */
  FILED = 'FILED',
  /** 已有工单: confirmed, but an existing ticket already covers it */
  DUPLICATE = 'DUPLICATE',
  /** 不予立案: not a matter for the hotline, or not true */
  DISMISSED = 'DISMISSED',
}
registerEnumType(ClueStatus, { name: 'ClueStatus' });

/**
 * 线索 (未诉先办): a complaint found online — a post on a city forum, a short video, a news
 * comment — before anyone called. A supervisor verifies it; a confirmed clue becomes a ticket
 * and is supervised to closure like any other.
 */
@ObjectType({ implements: Node, description: '线索: a complaint found online, to be verified and filed (未诉先办).' })
@Entity({ tableName: 'clues' })
@Index({ properties: ['status', 'receivedAt'] })
@Index({ properties: ['receivedAt'] })
@Unique({ properties: ['sourcePlatform', 'sourceUrl'] })
export class Clue {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field(() => String, { description: 'Where it was found, e.g. 微博, 抖音, 人民网留言板.' })
  @Property({ type: 'string', length: 64 })
  sourcePlatform!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 1000, nullable: true })
  sourceUrl: string | null = null;

  @Field(() => String)
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text' })
  text!: string;

  @Field(() => String, { nullable: true, description: 'The author’s public handle on the platform (null for readers who may not contact citizens).' })
  @UseMiddleware(WithheldPersonalData)
  @Property({ type: 'string', length: 100, nullable: true })
  authorHandle: string | null = null;

  @Field(() => Int, { description: 'Likes on the platform: a hot-issue signal.' })
  @Property({ type: 'integer' })
  likes!: number;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  lat: number | null = null;

  @Field(() => Float, { nullable: true })
  @Property({ type: 'double', nullable: true })
  lng: number | null = null;

  @Property({ type: 'uuid', nullable: true })
  districtId: string | null = null;

  @Field(() => ClueStatus)
  @Enum({ items: () => ClueStatus })
  status!: ClueStatus;

  /** the ticket filed for it, or the existing ticket it duplicates */
  // hot issues add up the likes of the posts linked to each ticket
  @Index()
  @Property({ type: 'uuid', nullable: true })
  ticketId: string | null = null;

  @Field(() => String, { description: 'Who submitted it (a person or a feed’s API key).' })
  @Property({ type: 'text' })
  submittedBy!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  verifiedBy: string | null = null;

  @Field(() => String, { nullable: true, description: 'The verifier’s note.' })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When it was posted online, if known.' })
  @Property({ type: 'datetime', nullable: true })
  postedAt: Date | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  receivedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  verifiedAt: Date | null = null;

  @Field(() => Int)
  @Property({ type: 'integer' })
  version!: number;
}

/** What happened to a clue: one kind of entry of its history. */
export enum ClueActionType {
  /** 线索登记: first submitted */
  RECEIVED = 'RECEIVED',
  /** 再次提交: the same post again, with more likes */
  RESUBMITTED = 'RESUBMITTED',
  /** 立案: filed as a ticket */
  FILED = 'FILED',
  /** an existing ticket covers it */
  DUPLICATE = 'DUPLICATE',
  /** 不予立案 */
  DISMISSED = 'DISMISSED',
}
registerEnumType(ClueActionType, { name: 'ClueActionType' });

/**
 * A clue's history, append-only: one entry per version of the clue — received, each
 * re-submission that changed it, its verification — written in the change's own transaction.
 */
@ObjectType({ description: 'One entry of a clue’s history: one per version of the clue.' })
@Entity({ tableName: 'clue_actions' })
@Unique({ properties: ['clueId', 'version'] })
export class ClueAction {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'uuid' })
  clueId!: string;

  @Field(() => ClueActionType)
  @Enum({ items: () => ClueActionType })
  type!: ClueActionType;

  @Field(() => String, { description: 'Who: role, scope and subject, or a feed’s API key.' })
  @Property({ type: 'text' })
  actor!: string;

  @Field(() => Int, { description: 'The clue’s version after this change.' })
  @Property({ type: 'integer' })
  version!: number;

  @Field(() => Int, { nullable: true, description: 'Likes after this change (RECEIVED, RESUBMITTED).' })
  @Property({ type: 'integer', nullable: true })
  likes: number | null = null;

  @Field(() => Int, { nullable: true, description: 'Likes before this change (RESUBMITTED).' })
  @Property({ type: 'integer', nullable: true })
  previousLikes: number | null = null;

  @Field(() => String, { nullable: true, description: 'The verifier’s note (FILED, DUPLICATE, DISMISSED).' })
  @UseMiddleware(RedactPersonalData)
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => Date)
  @Property({ type: 'datetime' })
  at!: Date;
}
