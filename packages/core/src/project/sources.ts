/** Which file each part of a project came from, so errors can name it. */
export interface ProjectSources {
  project?: string;
  flows?: Record<string, string>;
  /** Keyed `<flow>.<entity>`. */
  entities?: Record<string, string>;
}
