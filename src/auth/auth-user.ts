/** The caller, as the verified token says: `sub` owns what it creates, roles gate operator features. */
export interface AuthUser {
  sub: string;
  roles: string[];
}
