// Errors that carry what the user should do: mapped to RFC 9457 problem+json by the HTTP layer
// and to a clear message and exit code by the CLI.
export type FieldProblem = { field: string; message: string };

export class AppError extends Error {
  readonly status: number;
  readonly title: string;
  readonly problems: FieldProblem[] | undefined;
  readonly type: string;
  constructor(status: number, title: string, detail: string, problems?: FieldProblem[], type = 'about:blank') {
    super(detail);
    this.status = status;
    this.title = title;
    this.problems = problems;
    this.type = type;
  }
}

export const badRequest = (detail: string, problems?: FieldProblem[]) => new AppError(400, 'The request needs fixing', detail, problems);
export const unauthenticated = (detail = 'Sign in to continue.') => new AppError(401, 'Not signed in', detail);
export const forbidden = (detail = 'You do not have permission to do that.') => new AppError(403, 'Not allowed', detail);
export const notFound = (what: string) => new AppError(404, 'Not found', `${what} was not found.`);
export const conflict = (detail: string) => new AppError(409, 'Conflict', detail);
export const locked = (detail: string) => new AppError(423, 'Account locked', detail);
export const unprocessable = (detail: string, problems?: FieldProblem[]) => new AppError(422, 'Cannot be processed', detail, problems);
