// UUIDv7 made in the app (time-ordered; PostgreSQL 15 has no uuidv7()).
import { v7 } from 'uuid';

export const newId = (): string => v7();
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
