import { createHash } from 'node:crypto';
import type {
  Seed,
  SeedBusiness,
  SeedService,
  SeedStaffMember,
  StaffRole,
} from '../generated/schema-types.js';
import type { BusinessDocument } from './businesses/documents.js';
import { businessFromSeed } from './businesses/from-seed.js';
import { seedBusinessView } from './businesses/seed-view.js';
import { toGraphUtc } from './graph-time.js';
import type { BusinessStore } from './store.js';

export interface SeedUser {
  upn: string;
  token?: string;
  displayName?: string;
}

export interface DirectoryOptions {
  /** Where changes made through Graph are saved; without one they live as long as the directory. */
  store?: BusinessStore;
  /** Stamps the seeded entities' createdDateTime; default the real time. */
  now?: () => number;
}

const fingerprintOf = (seed: Seed) =>
  createHash('sha256').update(JSON.stringify(seed.businesses)).digest('hex');

/**
 * The businesses (as Graph shows them, and in the seed's shape for the rules that read them) and
 * the seeded users, indexed for the lookups requests make. Graph's business routes change a
 * business with `commit()`; everyone holding the directory sees the change at once.
 */
export class Directory {
  private readonly documentsByEmail = new Map<string, BusinessDocument>();
  private readonly viewsByEmail = new Map<string, SeedBusiness>();
  private views: SeedBusiness[] | undefined;
  private readonly usersByUpn = new Map<string, SeedUser>();
  private readonly usersByToken = new Map<string, SeedUser>();
  private current!: Seed;

  constructor(
    seed: Seed,
    private readonly options: DirectoryOptions = {},
  ) {
    this.load(seed, { resume: true });
  }

  /** The seed as loaded: users, allowlist and the businesses as they were seeded. */
  get seed(): Seed {
    return this.current;
  }

  /**
   * Replaces the seed in place (a reset, perhaps to another seed): the businesses start over from
   * it. With `resume`, businesses saved from this very seed are kept as they were changed.
   */
  load(seed: Seed, { resume = false }: { resume?: boolean } = {}): void {
    this.current = seed;
    this.usersByUpn.clear();
    this.usersByToken.clear();
    for (const user of seed.users ?? []) {
      this.usersByUpn.set(user.upn.toLowerCase(), user);
      if (user.token) this.usersByToken.set(user.token, user);
    }
    const { store } = this.options;
    // Hashing the seed costs more than building a small business; only a store needs it.
    const fingerprint = store ? fingerprintOf(seed) : '';
    const saved = resume ? store?.load(fingerprint) : undefined;
    const now = toGraphUtc(this.options.now?.() ?? Date.now()).dateTime;
    const documents = saved ?? seed.businesses.map((business) => businessFromSeed(business, now));
    if (!saved) store?.replaceAll(fingerprint, documents);
    this.documentsByEmail.clear();
    for (const document of documents) this.documentsByEmail.set(document.business.id.toLowerCase(), document);
    this.viewsByEmail.clear();
    this.views = undefined;
  }

  /** Replaces one business's document (a change made through Graph) and saves it. */
  commit(document: BusinessDocument): void {
    const key = document.business.id.toLowerCase();
    this.documentsByEmail.set(key, document);
    this.viewsByEmail.delete(key);
    this.views = undefined;
    this.options.store?.save(document);
  }

  /** A business as Graph shows it; treat it as read-only and change it with `commit()`. */
  document(email: string): BusinessDocument | undefined {
    return this.documentsByEmail.get(email.toLowerCase());
  }

  get documents(): readonly BusinessDocument[] {
    return [...this.documentsByEmail.values()];
  }

  get businesses(): readonly SeedBusiness[] {
    this.views ??= [...this.documentsByEmail.keys()].flatMap((key) => this.business(key) ?? []);
    return this.views;
  }

  get users(): readonly SeedUser[] {
    return this.current.users ?? [];
  }

  business(email: string): SeedBusiness | undefined {
    const key = email.toLowerCase();
    const cached = this.viewsByEmail.get(key);
    if (cached) return cached;
    const document = this.documentsByEmail.get(key);
    if (!document) return undefined;
    const view = seedBusinessView(document);
    this.viewsByEmail.set(key, view);
    return view;
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
    return this.businesses.filter((business) => this.roleOf(business, upn) === 'administrator');
  }

  service(business: SeedBusiness, serviceId: string): SeedService | undefined {
    return business.services?.find((service) => service.id === serviceId);
  }

  staffMember(business: SeedBusiness, staffId: string): SeedStaffMember | undefined {
    return business.staff?.find((member) => member.id === staffId);
  }
}
