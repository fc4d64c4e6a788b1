import type { KafkaAcl } from '@postera/contracts';
import kafkajs from 'kafkajs';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** What applyAcls needs of a kafkajs admin client connected as the cluster's admin principal. */
export interface AclAdmin {
  createAcls(options: { acl: kafkajs.AclEntry[] }): Promise<boolean>;
  deleteAcls(options: { filters: kafkajs.AclFilter[] }): Promise<unknown>;
}

/** The catalogue's rules (catalogueAcls) as kafkajs's ACL entries: ALLOW, from any host. */
export function aclEntries(acls: readonly KafkaAcl[]): kafkajs.AclEntry[] {
  return acls.map((a) => ({
    principal: a.principal,
    host: '*',
    permissionType: AclPermissionTypes.ALLOW,
    operation: a.operation === 'READ' ? AclOperationTypes.READ : AclOperationTypes.WRITE,
    resourceType: a.resourceType === 'TOPIC' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: a.resourceName,
    resourcePatternType: a.patternType === 'LITERAL' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
  }));
}

/** Bound on one CreateAcls request; the catalogue's rules for one prefix are about two hundred. */
const ACLS_PER_REQUEST_MAX = 500;

/** Creates the rules on the broker. Idempotent: a rule that exists is left as it is. */
export async function applyAcls(admin: AclAdmin, acls: readonly KafkaAcl[]): Promise<number> {
  const entries = aclEntries(acls);
  for (let i = 0; i < entries.length; i += ACLS_PER_REQUEST_MAX) {
    await admin.createAcls({ acl: entries.slice(i, i + ACLS_PER_REQUEST_MAX) });
  }
  return entries.length;
}

/** Deletes exactly these rules (a test run's, once its topics are gone); a rule already absent is no error. */
export async function removeAcls(admin: AclAdmin, acls: readonly KafkaAcl[]): Promise<void> {
  const entries = aclEntries(acls);
  for (let i = 0; i < entries.length; i += ACLS_PER_REQUEST_MAX) {
    await admin.deleteAcls({ filters: entries.slice(i, i + ACLS_PER_REQUEST_MAX) });
  }
}
