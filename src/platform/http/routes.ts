// Every module's routes, mounted under /api/v1. A new capability adds its plugin here.
import type { FastifyPluginAsync } from 'fastify';
import { authRoutes } from '../auth/routes.ts';
import { auditRoutes } from '../audit/routes.ts';
import { directoryRoutes } from '../../modules/directory/routes.ts';

export const moduleRoutes: FastifyPluginAsync[] = [authRoutes, auditRoutes, directoryRoutes];
