import { Arg, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Query, Resolver, Root, registerEnumType } from 'type-graphql';
import { badInput } from '../shared/errors';
import type { RequestContext } from '../app/context';
import { District } from '../departments/district.entity';
import { Ticket } from '../tickets/ticket.entity';
import type { TicketsService } from '../tickets/tickets.service';
import type { HotIssue as HotIssueShape } from './cluster';
import { HotIssueWindow } from './hotissues.service';
import type { HotIssuesService } from './hotissues.service';

registerEnumType(HotIssueWindow, { name: 'HotIssueWindow' });

@ObjectType({ description: '热点: a cluster of similar recent tickets, with its heat index.' })
export class HotIssue {
  @Field(() => ID, { description: 'Stable while the topic’s earliest ticket is in the window.' })
  id!: string;

  @Field(() => String, { description: 'Its top keywords, e.g. "车贷、58、退款".' })
  label!: string;

  @Field(() => [String])
  keywords!: string[];

  @Field(() => Int, { description: 'Distinct tickets (exact duplicates count once).' })
  count!: number;

  @Field(() => Int, { description: 'Exact duplicates of those tickets.' })
  duplicateCount!: number;

  @Field(() => Int, { description: 'Distinct callers (one caller who calls forty times is one voice).' })
  reporters!: number;

  @Field(() => Int, { description: 'People the tickets speak for (72名员工: 72).' })
  people!: number;

  @Field(() => Int, { description: 'Likes of online messages and clues.' })
  likes!: number;

  @Field(() => Float, { description: '(later half + 1) / (earlier half + 1) of the window: above 1 it is growing.' })
  growth!: number;

  @Field(() => Float, { description: 'The heat index (README: how it is computed).' })
  heat!: number;

  @Field(() => Date)
  firstAt!: Date;

  @Field(() => Date)
  lastAt!: Date;

  ticketIds!: string[];
  evidenceIds!: string[];
  districtCodes!: string[];
}

function toHotIssue(i: HotIssueShape): HotIssue {
  return Object.assign(new HotIssue(), {
    id: i.id,
    label: i.label,
    keywords: i.keywords,
    count: i.count,
    duplicateCount: i.duplicates.length,
    reporters: i.reporters,
    people: i.people,
    likes: i.likes,
    growth: Math.round(i.growth * 1000) / 1000,
    heat: Math.round(i.heat * 1000) / 1000,
    firstAt: i.firstTime,
    lastAt: i.lastTime,
    ticketIds: i.ticketIds,
    evidenceIds: i.evidenceIds,
    districtCodes: i.districts,
  });
}

export function hotIssueResolvers(hot: HotIssuesService, tickets: TicketsService) {
  @Resolver(() => HotIssue)
  class HotIssueResolver {
    @Query(() => [HotIssue], { description: '热点: the hottest topics of recent tickets (a district office: its districts).' })
    async hotIssues(
      @Ctx() rc: RequestContext,
      @Arg('window', () => HotIssueWindow, { defaultValue: HotIssueWindow.LAST_7D }) window: HotIssueWindow,
      @Arg('districtCode', () => String, { nullable: true }) districtCode?: string,
      @Arg('first', () => Int, { defaultValue: 10 }) first?: number,
    ) {
      return (await hot.hotIssues(rc, window, districtCode, first ?? 10)).map(toHotIssue);
    }

    @FieldResolver(() => [Ticket], { description: 'The tickets most like the topic, most alike first (those you may see).' })
    async evidence(@Root() i: HotIssue, @Ctx() rc: RequestContext) {
      const found = await Promise.all(i.evidenceIds.map((id) => tickets.byId(rc, id)));
      return found.filter((t): t is Ticket => !!t);
    }

    @FieldResolver(() => [Ticket], { description: 'Its tickets, newest first (those you may see).' })
    async tickets(@Root() i: HotIssue, @Ctx() rc: RequestContext, @Arg('first', () => Int, { defaultValue: 20 }) first: number) {
      if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first', 'first must be between 1 and 100');
      const ids = i.ticketIds.slice(-first).reverse();
      const found = await Promise.all(ids.map((id) => tickets.byId(rc, id)));
      return found.filter((t): t is Ticket => !!t);
    }

    @FieldResolver(() => [District], { description: 'Where its tickets are, the most frequent first.' })
    async districts(@Root() i: HotIssue, @Ctx() rc: RequestContext) {
      const found = await Promise.all(i.districtCodes.map((c) => rc.loaders.districtByCode.load(c)));
      return found.filter((d): d is District => !!d);
    }
  }
  return [HotIssueResolver];
}
