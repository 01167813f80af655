/**
 * A failure with a stable machine-readable code and a message safe to show a client. Each domain
 * subclasses it with its own code enum; each transport maps the codes once, exhaustively.
 */
export abstract class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
