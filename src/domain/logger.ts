/** The part of a pino logger the domain uses, so it depends on no logging package. */
export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
