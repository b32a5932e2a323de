import {
  ArrayMaxSize,
  IsInt,
  IsLatitude,
  IsLongitude,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { HasText } from '../shared/validation';
import { ContactPurpose } from './personal-data-access.entity';
import {
  AccessNeed,
  Channel,
  Resolution,
  Satisfaction,
  TicketCategory,
  TicketStatus,
  Urgency,
} from './ticket.enums';

/** Mobile (13800138000) or landline (020-83123456) numbers. */
export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

/** 受理: what an operator types in for a new ticket. */
@InputType({ description: '受理: a new ticket as the operator takes it in.' })
export class CreateTicketInput {
  @Field(() => Channel)
  channel!: Channel;

  @Field(() => TicketCategory, { defaultValue: TicketCategory.HELP_REQUEST })
  category!: TicketCategory;

  @Field(() => String, { description: '1-200 characters.' })
  @Length(1, 200)
  title!: string;

  @Field(() => String, { description: '诉求: what the citizen said, 1-4,000 characters.' })
  @Length(1, 4000)
  content!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(64)
  citizenName?: string | null;

  @Field(() => String, { nullable: true, description: 'Mobile (13800138000) or landline (020-83123456).' })
  @Matches(PHONE_PATTERN, { message: 'citizenPhone must be a mobile (13800138000) or landline (020-83123456) number' })
  citizenPhone?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(256)
  citizenAddress?: string | null;

  @Field(() => Float, { nullable: true })
  @IsLatitude()
  lat?: number | null;

  @Field(() => Float, { nullable: true })
  @IsLongitude()
  lng?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'District code; when absent, the district nearest to lat/lng.',
  })
  @MaxLength(12)
  districtCode?: string | null;

  @Field(() => Urgency, { defaultValue: Urgency.NORMAL })
  urgency!: Urgency;

  @Field(() => [AccessNeed], { defaultValue: [] })
  @ArrayMaxSize(3)
  accessNeeds!: AccessNeed[];

  @Field(() => String, { nullable: true, description: 'Dispatch at once to this department (code).' })
  @MaxLength(32)
  dispatchTo?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The duty-list matter (code); dispatched at once to its department with jurisdiction (or to dispatchTo).',
  })
  @MaxLength(64)
  matterCode?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A key the client makes up for this intake (e.g. a UUID), so that a retry returns the same ticket instead of a second one. The same key with a different input is IDEMPOTENCY_KEY_REUSED.',
  })
  @Length(8, 100)
  idempotencyKey?: string | null;
}

/** Every change of a ticket names it and the version the caller saw (optimistic lock). */
@InputType({ description: 'A ticket and the version you saw (optimistic lock).' })
export class TicketChangeInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version you read; a newer one means someone else changed it: CONFLICT.' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  note?: string | null;
}

@InputType()
export class DispatchTicketInput extends TicketChangeInput {
  @Field(() => String, { nullable: true, description: 'The department; or give matterCode and the department with jurisdiction is found.' })
  @MaxLength(32)
  departmentCode?: string | null;

  @Field(() => String, { nullable: true, description: 'The duty-list matter the ticket falls under.' })
  @MaxLength(64)
  matterCode?: string | null;
}

@InputType()
export class RedispatchTicketInput extends TicketChangeInput {
  @Field(() => String, { nullable: true })
  @MaxLength(32)
  departmentCode?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(64)
  matterCode?: string | null;

  @Field(() => String, { description: 'Why the first routing was wrong.' })
  @HasText(2, 2000)
  reason!: string;
}

@InputType()
export class RejectTicketInput extends TicketChangeInput {
  @Field(() => String, { description: '退单理由: why this is not ours.' })
  @HasText(2, 2000)
  reason!: string;
}

@InputType()
export class DisputeRejectInput extends TicketChangeInput {
  @Field(() => String, { description: "Why the centre disagrees with the department's reject." })
  @HasText(2, 2000)
  reason!: string;
}

@InputType()
export class ArbitrateTicketInput extends TicketChangeInput {
  @Field(() => String, { nullable: true, description: 'The department the ticket goes to; the decision is binding.' })
  @MaxLength(32)
  departmentCode?: string | null;

  @Field(() => String, { nullable: true, description: 'The matter it falls under (then the department may be left to the duty list).' })
  @MaxLength(64)
  matterCode?: string | null;

  @Field(() => String)
  @HasText(2, 2000)
  decision!: string;
}

@InputType()
export class AddCoDepartmentsInput extends TicketChangeInput {
  @Field(() => [String])
  @ArrayMaxSize(10)
  departmentCodes!: string[];
}

@InputType()
export class RequestExtensionInput extends TicketChangeInput {
  @Field(() => Int, { description: 'Extra working days (the whole ticket stays within 15).' })
  @IsInt()
  @Min(1)
  @Max(15)
  days!: number;

  @Field(() => String)
  @HasText(2, 2000)
  reason!: string;
}

@InputType()
export class DecideExtensionInput extends TicketChangeInput {
  @Field(() => Boolean)
  approve!: boolean;
}

@InputType()
export class ResolveTicketInput extends TicketChangeInput {
  @Field(() => String, { description: "办结答复: the reply to the citizen." })
  @HasText(1, 4000)
  reply!: string;
}

@InputType()
export class ReturnVisitInput extends TicketChangeInput {
  @Field(() => Satisfaction)
  satisfaction!: Satisfaction;

  @Field(() => Resolution)
  resolution!: Resolution;
}

@InputType({ description: 'Unmask a caller: the purpose and reason are kept in the audit log.' })
export class RevealCitizenInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ContactPurpose)
  purpose!: ContactPurpose;

  @Field(() => String, { description: 'Why, in a sentence (4–500 characters), e.g. "回访核实处理结果".' })
  reason!: string;
}

@InputType()
export class MergeTicketInput extends TicketChangeInput {
  @Field(() => ID, { description: 'The parent ticket this one duplicates.' })
  parentId!: string;
}

@InputType({ description: 'Filters for tickets; all given ones must match.' })
export class TicketFilter {
  @Field(() => [TicketStatus], { nullable: true })
  status?: TicketStatus[] | null;

  @Field(() => String, { nullable: true })
  districtCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Lead or co-handling department.' })
  departmentCode?: string | null;

  @Field(() => [Channel], { nullable: true })
  channel?: Channel[] | null;

  @Field(() => Urgency, { nullable: true })
  urgency?: Urgency | null;

  @Field(() => TicketCategory, { nullable: true })
  category?: TicketCategory | null;

  @Field(() => Boolean, { nullable: true, description: 'Past the deadline running in its status.' })
  overdue?: boolean | null;

  @Field(() => Date, { nullable: true })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true })
  createdTo?: Date | null;

  @Field(() => String, { nullable: true, description: 'Words in the title or content.' })
  @MaxLength(100)
  search?: string | null;
}
