// Every module's routes, mounted under /api/v1. A new capability adds its plugin here.
import type { FastifyPluginAsync } from 'fastify';
import { agreementRoutes } from '../../modules/agreements/routes.ts';
import { alertRoutes } from '../../modules/alerts/routes.ts';
import { concernRoutes } from '../../modules/concerns/routes.ts';
import { captureRoutes } from '../../modules/logs/capture-routes.ts';
import { importRoutes } from '../../modules/directory/import/routes.ts';
import { manageRoutes } from '../../modules/directory/manage-routes.ts';
import { directoryRoutes } from '../../modules/directory/routes.ts';
import { annualReviewRoutes } from '../../modules/annual-review/routes.ts';
import { filterCheckRoutes } from '../../modules/filter-checks/routes.ts';
import { filteringRoutes } from '../../modules/filtering/routes.ts';
import { logRoutes } from '../../modules/logs/routes.ts';
import { monitoringReviewRoutes } from '../../modules/monitoring-reviews/routes.ts';
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
  alertRoutes,
  agreementRoutes,
  filteringRoutes,
  captureRoutes,
  filterCheckRoutes,
  annualReviewRoutes,
  monitoringReviewRoutes,
  logRoutes,
];
