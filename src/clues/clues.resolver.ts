import { Arg, Args, Ctx, Field, FieldResolver, Float, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import type { RequestContext } from '../app/context';
import { District } from '../departments/district.entity';
import type { DepartmentsService } from '../departments/departments.service';
import { Connection, ConnectionArgs, localId, toGlobalId } from '../shared/relay';
import { Ticket } from '../tickets/ticket.entity';
import { TicketCategory } from '../tickets/ticket.enums';
import type { TicketsService } from '../tickets/tickets.service';
import { Clue, ClueAction, ClueStatus } from './clue.entity';
import { ClueDecision } from './clues.service';
import type { CluesService } from './clues.service';

registerEnumType(ClueDecision, { name: 'ClueDecision', description: 'FILE it as a ticket, it is a DUPLICATE of one, or DISMISS it.' });

export const ClueConnection = Connection(Clue, 'Clue');

@InputType({ description: '线索: a complaint found online.' })
export class SubmitClueInput {
  @Field(() => String, { description: 'e.g. 微博, 抖音, 人民网留言板.' })
  sourcePlatform!: string;

  @Field(() => String, { nullable: true, description: 'The post’s address; the same platform and URL again is the same clue: its likes rise to the new count (a new version).' })
  sourceUrl?: string | null;

  @Field(() => String, { description: 'What the post says (1–4,000 characters).' })
  text!: string;

  @Field(() => String, { nullable: true })
  authorHandle?: string | null;

  @Field(() => Int, { nullable: true })
  likes?: number | null;

  @Field(() => Float, { nullable: true })
  lat?: number | null;

  @Field(() => Float, { nullable: true })
  lng?: number | null;

  @Field(() => String, { nullable: true })
  districtCode?: string | null;

  @Field(() => Date, { nullable: true })
  postedAt?: Date | null;
}

@InputType({ description: '核实: what the supervisor decided.' })
export class VerifyClueInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ClueDecision)
  decision!: ClueDecision;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true, description: 'Required to dismiss.' })
  note?: string | null;

  @Field(() => ID, { nullable: true, description: 'DUPLICATE: the ticket that already covers it.' })
  duplicateOfTicketId?: string | null;

  @Field(() => String, { nullable: true, description: 'FILE: the ticket’s title (default: the start of the text).' })
  title?: string | null;

  @Field(() => String, { nullable: true, description: 'FILE: the matter, if the router should not choose.' })
  matterCode?: string | null;

  @Field(() => String, { nullable: true, description: 'FILE: the district, if the clue has none.' })
  districtCode?: string | null;

  @Field(() => TicketCategory, { nullable: true })
  category?: TicketCategory | null;
}

@InputType()
export class ClueFilter {
  @Field(() => [ClueStatus], { nullable: true })
  statuses?: ClueStatus[] | null;
}

@ObjectType({ description: 'A ticket like the clue, and how alike (0–1).' })
export class SimilarTicketResult {
  @Field(() => Ticket)
  ticket!: Ticket;

  @Field(() => Float)
  similarity!: number;
}

@ObjectType({ description: 'The clue loop’s figures over a period (线索发现—核实—立案—督办).' })
export class ClueFigures {
  @Field(() => Int)
  received!: number;

  @Field(() => Int, { description: 'Waiting for verification.' })
  pending!: number;

  @Field(() => Int)
  filed!: number;

  @Field(() => Int)
  duplicates!: number;

  @Field(() => Int)
  dismissed!: number;

  @Field(() => Int, { description: 'Filed clues whose ticket is closed: the loop closed.' })
  closed!: number;

  @Field(() => Float, { nullable: true, description: 'Median minutes from a clue to its ticket.' })
  medianMinutesToTicket!: number | null;
}

export function clueResolvers(clues: CluesService, tickets: TicketsService, departments: DepartmentsService) {
  @Resolver(() => Clue)
  class ClueResolver {
    @Query(() => ClueConnection, { description: '线索, newest first (a district office: its districts’).' })
    async clues(@Ctx() rc: RequestContext, @Args(() => ConnectionArgs) page: ConnectionArgs, @Arg('filter', () => ClueFilter, { nullable: true }) filter?: ClueFilter) {
      return ClueConnection.from(await clues.list(rc, filter, page));
    }

    @Query(() => Clue, { nullable: true })
    clue(@Ctx() rc: RequestContext, @Arg('id', () => ID) id: string) {
      return clues.byId(rc, localId(id, 'Clue'));
    }

    @Query(() => ClueFigures, { description: 'Clues received, verified, filed and closed, and the median time from clue to ticket.' })
    clueFigures(@Ctx() rc: RequestContext, @Arg('from', () => Date) from: Date, @Arg('to', () => Date) to: Date) {
      return clues.figures(rc, from, to);
    }

    @Mutation(() => Clue, { description: '线索登记 (operators, supervisors, feeds’ API keys). Feeds may also POST a batch to /clues.' })
    submitClue(@Ctx() rc: RequestContext, @Arg('input', () => SubmitClueInput) input: SubmitClueInput) {
      return clues.submit(rc, input);
    }

    @Mutation(() => Clue, { description: '核实: FILE (a ticket, channel ONLINE_CLUE), DUPLICATE (of an existing ticket) or DISMISS (with a note).' })
    verifyClue(@Ctx() rc: RequestContext, @Arg('input', () => VerifyClueInput) input: VerifyClueInput) {
      return clues.verify(rc, input);
    }

    @FieldResolver(() => ID)
    id(@Root() c: Clue): string {
      return toGlobalId('Clue', c.id);
    }

    @FieldResolver(() => District, { nullable: true })
    district(@Root() c: Clue, @Ctx() rc: RequestContext) {
      return c.districtId ? departments.cachedDistrict(rc, c.districtId) : null;
    }

    @FieldResolver(() => Ticket, { nullable: true, description: 'The ticket filed for it, or the one it duplicates.' })
    ticket(@Root() c: Clue, @Ctx() rc: RequestContext) {
      return c.ticketId ? tickets.byId(rc, c.ticketId) : null;
    }

    @FieldResolver(() => [ClueAction], { description: 'Its history, oldest first: received, each re-submission that changed it, its verification — one entry per version.' })
    history(@Root() c: Clue, @Ctx() rc: RequestContext) {
      return clues.history(rc, c);
    }

    @FieldResolver(() => [SimilarTicketResult], { description: 'Recent tickets like it (same district, 30 days): check before filing.' })
    similarTickets(@Root() c: Clue, @Ctx() rc: RequestContext, @Arg('first', () => Int, { defaultValue: 5 }) first: number) {
      return clues.similarTickets(rc, c, Math.max(1, Math.min(first, 20)));
    }
  }
  return [ClueResolver];
}
