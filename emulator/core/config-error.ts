/** A setting the user gave is wrong: the CLI exits 2 with this message, the API throws it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
