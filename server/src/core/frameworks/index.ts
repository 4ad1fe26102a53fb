// The frameworks' doorway for the VS Code client: the session stores a Laravel or Symfony project
// names. Separate from the core's doorway because it brings the YAML parser and the framework
// readers: the client loads it on first use (client/src/frameworkConnections.ts), not at activation.
export { frameworkConnections, type FrameworkConnection } from './connections.ts';
export { isProjectFile } from './project.ts';
