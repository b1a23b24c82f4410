import type {
  Seed,
  SeedBusiness,
  SeedService,
  SeedStaffMember,
  StaffRole,
} from '../generated/schema-types.js';

export interface SeedUser {
  upn: string;
  token?: string;
  displayName?: string;
}

/** The seeded businesses, staff, services and users, indexed for the lookups requests make. */
export class Directory {
  private readonly businessesByEmail = new Map<string, SeedBusiness>();
  private readonly usersByUpn = new Map<string, SeedUser>();
  private readonly usersByToken = new Map<string, SeedUser>();
  private current!: Seed;

  constructor(seed: Seed) {
    this.load(seed);
  }

  get seed(): Seed {
    return this.current;
  }

  /** Replaces the seed in place (a reset to another seed); everyone holding the directory sees it. */
  load(seed: Seed): void {
    this.current = seed;
    this.businessesByEmail.clear();
    this.usersByUpn.clear();
    this.usersByToken.clear();
    for (const business of seed.businesses)
      this.businessesByEmail.set(business.email.toLowerCase(), business);
    for (const user of seed.users ?? []) {
      this.usersByUpn.set(user.upn.toLowerCase(), user);
      if (user.token) this.usersByToken.set(user.token, user);
    }
  }

  get businesses(): readonly SeedBusiness[] {
    return this.current.businesses;
  }

  get users(): readonly SeedUser[] {
    return this.current.users ?? [];
  }

  business(email: string): SeedBusiness | undefined {
    return this.businessesByEmail.get(email.toLowerCase());
  }

  userByToken(token: string): SeedUser | undefined {
    return this.usersByToken.get(token);
  }

  userByUpn(upn: string): SeedUser | undefined {
    return this.usersByUpn.get(upn.toLowerCase());
  }

  /** The staff member a signed-in user is in a business: matched on e-mail address, case-insensitively. */
  staffMemberFor(business: SeedBusiness, upn: string): SeedStaffMember | undefined {
    const wanted = upn.toLowerCase();
    return business.staff?.find((member) => member.emailAddress.toLowerCase() === wanted);
  }

  roleOf(business: SeedBusiness, upn: string): StaffRole | undefined {
    return this.staffMemberFor(business, upn)?.role;
  }

  /** The businesses where the user is an administrator (ListBookingsBusinessUserAsAdmin, source [A]). */
  businessesAdministeredBy(upn: string): SeedBusiness[] {
    return this.current.businesses.filter((business) => this.roleOf(business, upn) === 'administrator');
  }

  service(business: SeedBusiness, serviceId: string): SeedService | undefined {
    return business.services?.find((service) => service.id === serviceId);
  }

  staffMember(business: SeedBusiness, staffId: string): SeedStaffMember | undefined {
    return business.staff?.find((member) => member.id === staffId);
  }
}
