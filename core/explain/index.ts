/** Explanations of nginx.conf and Dockerfile text, beside the text: the entries and where they apply. */
export {
  DOC_HOSTS,
  DOC_PAGES,
  isDocumentationUrl,
  isExplanationId,
  type DocPage,
  type ExplanationId,
} from './doc-pages';
export {
  EXPLANATION_LANGUAGES,
  MESSAGES,
  explanationOf,
  type Explanation,
  type ExplanationLanguage,
  type ExplanationText,
} from './messages';
export { explainNginx } from './nginx-explain';
export { explainDockerfile } from './dockerfile-explain';
export type { ExplainedKind, ExplainedLines, ExplainedToken } from './tokens';
