/** Every TypeORM entity of the service, in one list for the data sources. */
import { EntitySchema, MixedList } from 'typeorm';

export const ENTITIES: MixedList<string | EntitySchema | (new () => unknown)> = [];
