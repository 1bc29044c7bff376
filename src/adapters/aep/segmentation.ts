// Segmentation Service (https://platform.adobe.io/data/core/ups): segment definitions, paged by offset.
import type { Segment } from '../../ports.js';
import type { HttpClient } from '../http/client.js';
import type { Raw } from './flow-service.js';
import { toSegment } from './mapping.js';

export const SEGMENTATION_PATH = '/data/core/ups';
const PAGE_SIZE = 100;
/** 100 pages of 100: far beyond any org's segment count; a loop guard. */
const MAX_PAGES = 100;

interface DefinitionsPage {
  segments?: Raw[];
  page?: { totalCount?: number };
}

export class SegmentationClient {
  constructor(private readonly http: HttpClient) {}

  /** Every segment definition: `start` is the offset of the first item, `limit` the page size. */
  async listSegments(): Promise<Segment[]> {
    const out: Segment[] = [];
    let start = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.http.json<DefinitionsPage>({
        method: 'GET',
        path: `${SEGMENTATION_PATH}/segment/definitions`,
        query: { start, limit: PAGE_SIZE },
      });
      const segments = body.segments ?? [];
      out.push(...segments.map(toSegment));
      start += segments.length;
      const total = body.page?.totalCount;
      if (segments.length < PAGE_SIZE || (total !== undefined && start >= total)) break;
    }
    return out;
  }

  /** One definition (the service sends it without a wrapper); a 404 surfaces as a ServiceError. */
  async getSegment(id: string): Promise<Segment> {
    const raw = await this.http.json<Raw>({
      method: 'GET',
      path: `${SEGMENTATION_PATH}/segment/definitions/${encodeURIComponent(id)}`,
    });
    return toSegment(raw);
  }

  /** A one-item read, for probing the View Segments permission. */
  async probe(): Promise<void> {
    await this.http.json<DefinitionsPage>({
      method: 'GET',
      path: `${SEGMENTATION_PATH}/segment/definitions`,
      query: { start: 0, limit: 1 },
    });
  }
}
