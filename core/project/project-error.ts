/** The project cannot run as a lab as it is; the message says what is wrong and where. */
export class ProjectError extends Error {
  override name = 'ProjectError';
}
