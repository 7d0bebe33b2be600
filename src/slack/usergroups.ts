import type { webApi } from '@slack/bolt';
import type { MemberOf } from '../workflow/approvers.js';

/** `usergroups.users.list` as the workflow's `MemberOf` port (wrap it in a GroupDirectory cache). */
export function slackMemberOf(client: webApi.WebClient, token: () => string): MemberOf {
  return async (usergroupId) => {
    const result = await client.usergroups.users.list({ token: token(), usergroup: usergroupId });
    return result.users ?? [];
  };
}
