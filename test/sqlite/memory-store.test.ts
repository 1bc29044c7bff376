import { MemoryStore } from '../../src/adapters/memory/store.js';
import { storeContract } from './store-contract.js';

storeContract('MemoryStore', (now) => new MemoryStore(now));
