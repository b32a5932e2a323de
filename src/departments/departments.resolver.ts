import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Query, Resolver, Root } from 'type-graphql';
import { MaxLength } from 'class-validator';
import type { RequestContext } from '../app/context';
import { Connection, ConnectionArgs, toGlobalId } from '../shared/relay';
import { Department, DepartmentKind, DepartmentLevel } from './department.entity';
import type { DepartmentsService } from './departments.service';
import { District } from './district.entity';

export const DepartmentConnection = Connection(Department, 'Department');
export const DistrictConnection = Connection(District, 'District');

@InputType()
export class DepartmentFilterInput {
  @Field(() => DepartmentKind, { nullable: true })
  kind?: DepartmentKind | null;

  @Field(() => DepartmentLevel, { nullable: true })
  level?: DepartmentLevel | null;

  @Field(() => String, { nullable: true })
  @MaxLength(12)
  districtCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Words in the name.' })
  @MaxLength(64)
  search?: string | null;
}

export function departmentsResolvers(departments: DepartmentsService) {
  @Resolver(() => Department)
  class DepartmentsResolver {
    @Query(() => DepartmentConnection, { description: 'The directory of departments (public).' })
    async departments(
      @Ctx() rc: RequestContext,
      @Args(() => ConnectionArgs) page: ConnectionArgs,
      @Arg('filter', () => DepartmentFilterInput, { nullable: true }) filter?: DepartmentFilterInput,
    ) {
      return DepartmentConnection.from(await departments.listDepartments(rc, filter ?? {}, page));
    }

    @Query(() => Department, { description: 'A department by its code.' })
    department(@Ctx() rc: RequestContext, @Arg('code', () => String) code: string) {
      return departments.findDepartment(rc, code);
    }

    @FieldResolver(() => ID)
    id(@Root() d: Department): string {
      return toGlobalId('Department', d.id);
    }

    @FieldResolver(() => District, { nullable: true, description: 'The district served; null for city bureaus.' })
    district(@Root() d: Department, @Ctx() rc: RequestContext) {
      return d.districtId ? rc.loaders.districtById.load(d.districtId) : null;
    }
  }

  @Resolver(() => District)
  class DistrictsResolver {
    @Query(() => DistrictConnection, { description: 'The districts of the city (public).' })
    async districts(@Ctx() rc: RequestContext, @Args(() => ConnectionArgs) page: ConnectionArgs) {
      return DistrictConnection.from(await departments.listDistricts(rc, page));
    }

    @Query(() => District, { description: 'A district by its administrative code, e.g. 440106.' })
    district(@Ctx() rc: RequestContext, @Arg('code', () => String) code: string) {
      return departments.districtByCode(rc, code);
    }

    @FieldResolver(() => ID)
    id(@Root() d: District): string {
      return toGlobalId('District', d.id);
    }
  }
  return [DepartmentsResolver, DistrictsResolver] as const;
}
