import { ArrayMaxSize, IsInt, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { RequestContext } from '../app/context';
import { Department, DepartmentKind, DepartmentLevel } from '../departments/department.entity';
import { badInput } from '../shared/errors';
import { toGlobalId } from '../shared/relay';
import { DutyListVersion } from './duty-list-version.entity';
import { DutyListFormat, DutyListStatus } from './dutylist.enums';
import type { DutyListService } from './dutylist.service';
import { Matter } from './matter.entity';
import type { RouterService } from './router.service';

@InputType({ description: 'A matter of a draft duty list, added or replaced by code.' })
export class MatterInput {
  @Field(() => String)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'code may only use letters, digits, "." "_" "-" (at most 64)' })
  code!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(64)
  parentCode?: string | null;

  @Field(() => String)
  @Length(1, 128)
  name!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  description?: string | null;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(50)
  keywords!: string[];

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(100)
  examples!: string[];

  @Field(() => DepartmentKind, { nullable: true })
  departmentKind?: DepartmentKind | null;

  @Field(() => DepartmentLevel, { nullable: true })
  level?: DepartmentLevel | null;

  @Field(() => [DepartmentKind], { defaultValue: [] })
  coHandlingKinds!: DepartmentKind[];

  @Field(() => Int, { nullable: true })
  @IsInt()
  @Min(1)
  @Max(15)
  resolveDays?: number | null;

  @Field(() => Boolean, { defaultValue: true })
  active!: boolean;
}

@ObjectType({ description: 'A reason a duty list cannot be published, or a bad row of an imported file.' })
export class DutyListProblem {
  @Field(() => Int, { description: 'Line of the file (1 = header), or position in the list.' })
  line!: number;

  @Field(() => String, { nullable: true })
  code?: string;

  @Field(() => String)
  reason!: string;
}

@ObjectType()
export class MatterChangeType {
  @Field(() => String)
  code!: string;

  @Field(() => [String], { description: 'Names of the fields that differ.' })
  fields!: string[];

  @Field(() => Matter)
  before!: Matter;

  @Field(() => Matter)
  after!: Matter;
}

@ObjectType('DutyListDiff', { description: 'What changed between two versions of the duty list.' })
export class DutyListDiffType {
  @Field(() => DutyListVersion)
  from!: DutyListVersion;

  @Field(() => DutyListVersion)
  to!: DutyListVersion;

  @Field(() => [Matter])
  added!: Matter[];

  @Field(() => [Matter])
  removed!: Matter[];

  @Field(() => [MatterChangeType])
  changed!: MatterChangeType[];
}

@ObjectType({ description: 'Arbitration evidence: tickets of this matter one department rejected and arbitration gave to another.' })
export class MatterDisputeStat {
  @Field(() => Department)
  rejectedBy!: Department;

  @Field(() => Department)
  decidedFor!: Department;

  @Field(() => Int)
  count!: number;

  @Field(() => Boolean, { description: 'The reject was overruled: arbitration decided for the department that rejected (the list was right).' })
  overruled!: boolean;
}

@ObjectType()
export class RoutingFeature {
  @Field(() => String)
  feature!: string;

  @Field(() => Float)
  weight!: number;
}

@ObjectType({ description: 'Why the router ranks a matter: the words of the text that point to it.' })
export class RoutingExplanation {
  @Field(() => [String], { description: 'Keywords of the text that point to the matter, strongest first.' })
  keywords!: string[];

  @Field(() => [RoutingFeature], { description: 'The strongest features and their weights.' })
  features!: RoutingFeature[];
}

@ObjectType({ description: 'One suggestion of the router: a matter, the department with jurisdiction, how sure.' })
export class RoutingCandidate {
  @Field(() => String)
  matterCode!: string;

  @Field(() => String)
  matterName!: string;

  @Field(() => String, { nullable: true, description: 'Null when no department has jurisdiction there.' })
  departmentCode!: string | null;

  @Field(() => String, { nullable: true })
  departmentName!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Where the place decides the department (a STREET-level matter: the street office of the caller’s place), how it was chosen — or why none was.',
  })
  jurisdictionNote!: string | null;

  @Field(() => Float, { description: '0..1' })
  confidence!: number;

  @Field(() => RoutingExplanation, {
    description: "Why the router ranks this matter. On a ticket the router dispatched at intake, only the chosen candidate is explained (the alternatives have empty lists, also if the ticket is later rejected: routingPreview explains them afresh); a routing preview and a ticket left for manual dispatch explain every candidate.",
  })
  explanation!: RoutingExplanation;
}

@ObjectType()
export class RouterStatusType {
  @Field(() => Int, { nullable: true })
  versionNumber!: number | null;

  @Field(() => Date, { nullable: true })
  trainedAt!: Date | null;

  @Field(() => Int, { description: 'Examples from the duty list (names, keywords, sentences).' })
  listExamples!: number;

  @Field(() => Int, { description: 'Confirmed tickets learned from.' })
  historyExamples!: number;

  @Field(() => Int)
  matters!: number;

  @Field(() => Float, { description: 'Confidence at or above which intake dispatches by itself.' })
  threshold!: number;
}

export function toCandidate(c: {
  matterCode: string;
  matterName: string;
  departmentCode: string | null;
  departmentName: string | null;
  confidence: number;
  keywords: string[];
  features: { feature: string; weight: number }[];
  jurisdictionNote?: string | null;
}): RoutingCandidate {
  return { ...c, jurisdictionNote: c.jurisdictionNote ?? null, explanation: { keywords: c.keywords, features: c.features } };
}

export function dutyListResolvers(dutyLists: DutyListService, router: RouterService) {
  @Resolver(() => DutyListVersion)
  class DutyListResolver {
    @Query(() => [DutyListVersion], { description: 'Versions of the duty list, newest first.' })
    dutyLists(
      @Ctx() rc: RequestContext,
      @Arg('status', () => DutyListStatus, { nullable: true }) status?: DutyListStatus,
    ) {
      return dutyLists.versions(rc, status);
    }

    @Query(() => DutyListVersion, { description: 'A version by number; without one, the version in force.' })
    dutyList(@Ctx() rc: RequestContext, @Arg('number', () => Int, { nullable: true }) number?: number) {
      return dutyLists.version(rc, number);
    }

    @Query(() => DutyListDiffType, { description: 'Added, removed and changed matters between two versions.' })
    compareDutyLists(
      @Ctx() rc: RequestContext,
      @Arg('from', () => Int) from: number,
      @Arg('to', () => Int) to: number,
    ) {
      return dutyLists.compare(rc, from, to);
    }

    @Query(() => String, { description: 'A version (default: in force) as a CSV or JSON file.' })
    exportDutyList(
      @Ctx() rc: RequestContext,
      @Arg('format', () => DutyListFormat, { defaultValue: DutyListFormat.CSV }) format: DutyListFormat,
      @Arg('number', () => Int, { nullable: true }) number?: number,
    ) {
      return dutyLists.export(rc, number, format);
    }

    @Mutation(() => DutyListVersion, { description: 'A new draft, copied from a version (default: the one in force).' })
    createDutyListDraft(
      @Ctx() rc: RequestContext,
      @Arg('fromNumber', () => Int, { nullable: true }) fromNumber?: number,
      @Arg('notes', () => String, { nullable: true }) notes?: string,
    ) {
      return dutyLists.createDraft(rc, { fromNumber, notes });
    }

    @Mutation(() => Matter, { description: 'Add or replace (by code) a matter of a draft.' })
    upsertMatter(
      @Ctx() rc: RequestContext,
      @Arg('number', () => Int) number: number,
      @Arg('input', () => MatterInput) input: MatterInput,
    ) {
      return dutyLists.upsertMatter(rc, number, {
        ...input,
        parentCode: input.parentCode || null,
        description: input.description ?? null,
        departmentKind: input.departmentKind ?? null,
        level: input.level ?? null,
        resolveDays: input.resolveDays ?? null,
      });
    }

    @Mutation(() => DutyListVersion, { description: 'Remove a matter (without sub-matters) from a draft.' })
    removeMatter(
      @Ctx() rc: RequestContext,
      @Arg('number', () => Int) number: number,
      @Arg('code', () => String) code: string,
    ) {
      return dutyLists.removeMatter(rc, number, code);
    }

    @Mutation(() => DutyListVersion, {
      description: 'Publish a draft: validated (codes, tree, a department for every leaf in every district), then in force.',
    })
    publishDutyList(
      @Ctx() rc: RequestContext,
      @Arg('number', () => Int) number: number,
      @Arg('expectedVersion', () => Int) expectedVersion: number,
      @Arg('effectiveAt', () => Date, { nullable: true }) effectiveAt?: Date,
    ) {
      return dutyLists.publish(rc, { number, expectedVersion, effectiveAt });
    }

    @Mutation(() => DutyListVersion, { description: 'Import a CSV or JSON file as a new draft (or publish it). A bad file writes nothing.' })
    importDutyList(
      @Ctx() rc: RequestContext,
      @Arg('format', () => DutyListFormat) format: DutyListFormat,
      @Arg('content', () => String) content: string,
      @Arg('publish', () => Boolean, { defaultValue: false }) publish: boolean,
      @Arg('notes', () => String, { nullable: true }) notes?: string,
    ) {
      if (content.length > 5_000_000) throw badInput('content', 'the file is larger than 5 MB');
      return dutyLists.import(rc, { format, content, publish, notes });
    }

    @Query(() => [RoutingCandidate], {
      description: 'For operators before they submit: the matters and departments the router suggests, best first. Without a place yet (no districtCode, lat or lng) the matters are ranked all the same, with the city bureaus of city-level matters; a district’s department waits for the place (jurisdictionNote says so).',
    })
    async routingPreview(
      @Ctx() rc: RequestContext,
      @Arg('text', () => String) text: string,
      @Arg('districtCode', () => String, { nullable: true }) districtCode?: string,
      @Arg('lat', () => Float, { nullable: true }) lat?: number,
      @Arg('lng', () => Float, { nullable: true }) lng?: number,
    ) {
      return (await router.preview(rc, { text, districtCode, lat, lng })).map(toCandidate);
    }

    @Query(() => RouterStatusType, { description: 'What the router learned from, and when.' })
    async routerStatus(@Ctx() rc: RequestContext) {
      return { ...(await router.status(rc)), threshold: router.threshold };
    }

    @Mutation(() => RouterStatusType, { description: 'Retrain the router now (duty list + confirmed tickets).' })
    async retrainRouter(@Ctx() rc: RequestContext) {
      return { ...(await router.retrain(rc)), threshold: router.threshold };
    }

    @FieldResolver(() => ID)
    id(@Root() v: DutyListVersion): string {
      return toGlobalId('DutyListVersion', v.id);
    }

    @FieldResolver(() => [Matter], { description: 'The matters, in list order (parents before children).' })
    matters(@Root() v: DutyListVersion, @Ctx() rc: RequestContext) {
      return rc.loaders.mattersByVersion.load(v.id);
    }

    @FieldResolver(() => Matter, { nullable: true })
    async matter(@Root() v: DutyListVersion, @Ctx() rc: RequestContext, @Arg('code', () => String) code: string) {
      return (await rc.loaders.mattersByVersion.load(v.id)).find((m) => m.code === code) ?? null;
    }

    @FieldResolver(() => [DutyListProblem], { description: 'What stops this version from being published.' })
    problems(@Root() v: DutyListVersion, @Ctx() rc: RequestContext) {
      return dutyLists.problems(rc.em, v);
    }
  }

  @Resolver(() => Matter)
  class MatterResolver {
    @FieldResolver(() => ID)
    id(@Root() m: Matter): string {
      return toGlobalId('Matter', m.id);
    }

    @FieldResolver(() => [MatterDisputeStat], {
      description: 'Arbitration evidence for the next version: who rejected, who was decided on, how often.',
    })
    async disputes(@Root() m: Matter, @Ctx() rc: RequestContext): Promise<MatterDisputeStat[]> {
      const rows = await dutyLists.disputes(rc.em, m.code);
      const deps = await rc.loaders.departmentById.loadMany(rows.flatMap((r) => [r.rejectedById, r.decidedId]));
      return rows.map((r, i) => ({
        rejectedBy: deps[2 * i] as Department,
        decidedFor: deps[2 * i + 1] as Department,
        count: r.count,
        overruled: r.rejectedById === r.decidedId,
      }));
    }
  }
  return [DutyListResolver, MatterResolver] as const;
}
