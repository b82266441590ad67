/** Adapting a build that cannot reach Docker Hub or PyPI: Dockerfile and requirements, rewritten and diffed. */
export {
  parseDockerfile,
  editDockerfile,
  stagesOf,
  imageRegistry,
  withoutRegistry,
  pythonVersionOf,
  type Dockerfile,
  type Instruction,
  type Heredoc,
  type Stage,
} from './dockerfile';
export {
  findPipCommands,
  findAptCommands,
  pipEnvSettings,
  type PipCommand,
  type AptCommand,
  type PipEnvSetting,
} from './shell-commands';
export { rewriteForBuild, type PipPlan, type AptPlan, type BuildRewrite } from './rewrite';
export {
  parseRequirements,
  markerApplies,
  normalizeName,
  type Requirement,
  type RequirementsFile,
  type MarkerEnv,
} from './requirements';
export {
  PYPI_TO_DEBIAN,
  TRIXIE_ONLY_DEBIAN,
  MET_BY_SYSTEM,
  debianMapping,
  debianToPep440,
  type DebianMapping,
} from './debian-packages';
export {
  resolveOffline,
  rewriteRequirements,
  relaxedPins,
  unmetAdvice,
  displayRequirement,
  parseDistFilename,
  wheelFits,
  type OfflineTarget,
  type Resolution,
  type WheelFile,
} from './resolve';
export { unifiedDiff } from './diff';
