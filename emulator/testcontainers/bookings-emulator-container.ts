import { AbstractStartedContainer, GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { loadBuiltInSeed, loadSeedFile, validateSeed } from '../config/seed-loader.js';
import { unsignedJwt } from '../domain/credentials.js';
import type { Policies, PolicyName, QuirkName, Seed } from '../generated/schema-types.js';
import { controlTokenHeader } from '../http/control-token.js';

export const defaultImage = 'localhost/bookings-emulator:dev';
const port = 4780;
const seedPath = '/config/seed.json';

/**
 * The emulator as a testcontainers module: `new BookingsEmulatorContainer().withSeed(seed)
 * .withPolicy('update-fires-on-create', 'on').start()` gives the URL and tokens to test against.
 */
export class BookingsEmulatorContainer extends GenericContainer {
  private seed: Seed = loadBuiltInSeed();
  private readonly policies = new Map<PolicyName, string>();
  private controlToken: string | undefined;

  constructor(image = defaultImage) {
    super(image);
    this.withExposedPorts(port).withWaitStrategy(Wait.forHttp('/_emulator/health', port).forStatusCode(200));
  }

  /** A seed object or the path of a seed file (validated here, so mistakes surface before a container starts). */
  withSeed(seed: Seed | string): this {
    this.seed = typeof seed === 'string' ? loadSeedFile(seed) : validateSeed(seed, 'withSeed()');
    this.withCopyContentToContainer([{ content: JSON.stringify(this.seed), target: seedPath }]);
    this.withEnvironment({ BOOKINGS_EMULATOR_SEED: seedPath });
    return this;
  }

  /** Sets a policy (`bookings-emulator policies` lists them); checked when the container starts. */
  withPolicy<N extends PolicyName>(name: N, value: Required<Policies>[N]): this {
    this.policies.set(name, value);
    this.withEnvironment({
      BOOKINGS_EMULATOR_POLICIES: [...this.policies]
        .map(([policy, setting]) => `${policy}=${setting}`)
        .join(','),
    });
    return this;
  }

  /** The quirk policies as booleans, as older tests set them. */
  withQuirk(name: QuirkName, on: boolean): this {
    return this.withPolicy(name, on ? 'on' : 'off');
  }

  /** Guards the control API (/_emulator/) with this token; the started container hands it back. */
  withControlToken(token: string): this {
    this.controlToken = token;
    this.withEnvironment({ BOOKINGS_EMULATOR_CONTROL_TOKEN: token });
    return this;
  }

  override async start(): Promise<StartedBookingsEmulatorContainer> {
    return new StartedBookingsEmulatorContainer(await super.start(), this.seed, this.controlToken);
  }
}

export class StartedBookingsEmulatorContainer extends AbstractStartedContainer {
  /** Bearer tokens by UPN, as the seed gives them (or unsigned JWTs for users without one). */
  readonly tokens: Readonly<Record<string, string>>;

  constructor(
    container: StartedTestContainer,
    seed: Seed,
    /** Send it as X-Emulator-Control-Token on /_emulator/ calls (`controlHeaders()`); undefined when the control API is open. */
    readonly controlToken?: string,
  ) {
    super(container);
    this.tokens = Object.fromEntries(
      (seed.users ?? []).map((user) => [user.upn, user.token ?? unsignedJwt(user.upn)]),
    );
  }

  getUrl(): string {
    return `http://${this.getHost()}:${this.getMappedPort(port)}`;
  }

  /** Headers for the control API: the control token when there is one, nothing otherwise. */
  controlHeaders(): Record<string, string> {
    return this.controlToken === undefined ? {} : { [controlTokenHeader]: this.controlToken };
  }
}
