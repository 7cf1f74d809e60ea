// Builds this package with the workspace's shared tsup configuration.
export { default } from '../../tsup.config.base';
