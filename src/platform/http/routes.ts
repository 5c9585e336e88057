// Every module's routes, mounted under /api/v1. A new capability adds its plugin here.
import type { FastifyPluginAsync } from 'fastify';
import { agreementRoutes } from '../../modules/agreements/routes.ts';
import { concernRoutes } from '../../modules/concerns/routes.ts';
import { importRoutes } from '../../modules/directory/import/routes.ts';
import { manageRoutes } from '../../modules/directory/manage-routes.ts';
import { directoryRoutes } from '../../modules/directory/routes.ts';
import { filteringRoutes } from '../../modules/filtering/routes.ts';
import { auditRoutes } from '../audit/routes.ts';
import { accountRoutes } from '../auth/account-routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { tokenRoutes } from '../auth/token-routes.ts';
import { outboxRoutes } from '../mail/routes.ts';

export const moduleRoutes: FastifyPluginAsync[] = [
  authRoutes,
  accountRoutes,
  tokenRoutes,
  auditRoutes,
  outboxRoutes,
  directoryRoutes,
  manageRoutes,
  importRoutes,
  concernRoutes,
  agreementRoutes,
  filteringRoutes,
];
