// Control RPCs of users and roles: WhoAmI (anyone), and the users table (admin; auth/rules.ts).
import type {
  AddUserRequest,
  ControlServer,
  ListUsersReply,
  ListUsersRequest,
  NewUserTokenRequest,
  RemoveUserRequest,
  User,
  UserToken,
  WhoAmIReply,
  WhoAmIRequest,
} from '../../rpc/gen/control.js';
import type { UserRecord } from '../../store/store.js';
import type { IssuedToken } from '../auth/users.js';
import type { ControllerCore } from '../core.js';
import { unary } from './wrap.js';

function userToProto(u: UserRecord): User {
  return { name: u.name, role: u.role, createdMs: u.createdMs, tokenMs: u.tokenMs };
}

function issuedToProto(issued: IssuedToken): UserToken {
  return { user: userToProto(issued.user), token: issued.token };
}

export function userHandlers(controller: ControllerCore): Pick<ControlServer, 'whoAmI' | 'listUsers' | 'addUser' | 'removeUser' | 'newUserToken'> {
  return {
    whoAmI: unary<WhoAmIRequest, WhoAmIReply>(controller, (_req, _call, caller) => ({
      user: caller.user,
      role: caller.role,
      client: caller.client,
      authenticatedBy: caller.authenticatedBy ?? '',
    })),
    listUsers: unary<ListUsersRequest, ListUsersReply>(controller, () => ({ users: controller.users.list().map(userToProto) })),
    addUser: unary<AddUserRequest, UserToken>(controller, async (req) => issuedToProto(await controller.users.add(req.name, req.role))),
    removeUser: unary<RemoveUserRequest, User>(controller, async (req) => userToProto(await controller.users.remove(req.name))),
    newUserToken: unary<NewUserTokenRequest, UserToken>(controller, async (req) => issuedToProto(await controller.users.newToken(req.name))),
  };
}
