/**
 * The vendor routes, one base URL for every service. Route names (used by fault rules and counters):
 *
 * IMS          POST /ims/token/v3                                              ims.token
 * Flow Service /data/foundation/flowservice
 *              GET  /connectionSpecs, /connectionSpecs/:id                     flow.connectionSpecs.list|get
 *              GET  /flowSpecs                                                 flow.flowSpecs.list
 *              POST|GET /connections, GET|DELETE /connections/:id              flow.connections.create|list|get|delete
 *              POST|GET /sourceConnections, GET|DELETE /sourceConnections/:id  flow.sourceConnections.*
 *              POST|GET /targetConnections, GET|DELETE /targetConnections/:id  flow.targetConnections.*
 *              POST|GET /flows, GET|PATCH|DELETE /flows/:id                    flow.flows.create|list|get|patch|delete
 *              POST /flows/:id/action?op=enable|disable                        flow.flows.action
 *              GET  /runs                                                      flow.runs.list
 * Segmentation GET  /data/core/ups/segment/definitions[/:id]                  seg.definitions.list|get
 * Identity     GET  /data/core/idnamespace/identities                         identity.namespaces.list
 * AAM          GET  /v1/datasources/                                           aam.datasources.list
 *              GET  /v1/segments/, /v1/segments/:sid|ic:code                   aam.segments.list|get
 *              GET  /v1/traits/, /v1/traits/:sid|ic:code                       aam.traits.list|get
 * Jira         /rest/api/2 (Cloud and DC) and /rest/api/3 (Cloud)
 *              GET  /myself                                                    jira.myself
 *              GET  /issue/createmeta/:project/issuetypes                      jira.createmeta
 *              POST /issue, GET /issue/:key                                    jira.issue.create|get
 *              GET  /issue/:key/changelog                                      jira.changelog
 *              POST|GET /issue/:key/comment                                    jira.comment.add|list
 *              GET|POST /issue/:key/transitions                                jira.transitions.list|do
 *              GET|POST /search/jql                                            jira.search.jql
 *              GET|POST /search                                                jira.search.legacy
 */
import { imsToken } from './ims.js';
import type { TokenStore } from './auth.js';
import { FLOW_BASE } from './flow-common.js';
import { getConnectionSpec, listConnectionSpecs, listFlowSpecs } from './flow-catalog.js';
import {
  createConnection,
  createSourceConnection,
  createTargetConnection,
  deleteConnection,
  getConnection,
  listConnections,
} from './flow-connections.js';
import { createFlow, deleteFlow, flowAction, getFlow, listFlows, listRuns } from './flow-flows.js';
import { patchFlow } from './flow-patch.js';
import { getSegmentDefinition, listSegmentDefinitions } from './segmentation.js';
import { listNamespaces } from './identity.js';
import { aamRoutes } from './aam.js';
import { jiraHandlers, type JiraFlavor } from './jira.js';
import type { Router } from './router.js';
import type { World } from './world.js';

function addFlowService(router: Router, world: World): void {
  const add = (method: string, path: string, name: string, handler: Parameters<Router['add']>[4]) =>
    router.add(method, `${FLOW_BASE}${path}`, `flow.${name}`, 'aep', handler);
  add('GET', '/connectionSpecs', 'connectionSpecs.list', listConnectionSpecs);
  add('GET', '/connectionSpecs/:id', 'connectionSpecs.get', getConnectionSpec);
  add('GET', '/flowSpecs', 'flowSpecs.list', listFlowSpecs);
  add('POST', '/connections', 'connections.create', createConnection(world));
  add('POST', '/sourceConnections', 'sourceConnections.create', createSourceConnection(world));
  add('POST', '/targetConnections', 'targetConnections.create', createTargetConnection(world));
  for (const kind of ['connections', 'sourceConnections', 'targetConnections'] as const) {
    add('GET', `/${kind}`, `${kind}.list`, listConnections(world, kind));
    add('GET', `/${kind}/:id`, `${kind}.get`, getConnection(world, kind));
    add('DELETE', `/${kind}/:id`, `${kind}.delete`, deleteConnection(world, kind));
  }
  add('POST', '/flows', 'flows.create', createFlow(world));
  add('GET', '/flows', 'flows.list', listFlows(world));
  add('GET', '/flows/:id', 'flows.get', getFlow(world));
  add('PATCH', '/flows/:id', 'flows.patch', patchFlow(world));
  add('DELETE', '/flows/:id', 'flows.delete', deleteFlow(world));
  add('POST', '/flows/:id/action', 'flows.action', flowAction(world));
  add('GET', '/runs', 'runs.list', listRuns(world));
}

function addAam(router: Router, world: World, defaultOrg: string): void {
  const aam = aamRoutes(world, defaultOrg);
  router.add('GET', '/v1/datasources', 'aam.datasources.list', 'aam', aam.dataSources);
  router.add('GET', '/v1/segments', 'aam.segments.list', 'aam', aam.segments);
  router.add('GET', '/v1/segments/:key', 'aam.segments.get', 'aam', aam.segment);
  router.add('GET', '/v1/traits', 'aam.traits.list', 'aam', aam.traits);
  router.add('GET', '/v1/traits/:key', 'aam.traits.get', 'aam', aam.trait);
}

function addJira(router: Router, world: World, flavor: () => JiraFlavor): void {
  const jira = jiraHandlers(world, flavor);
  const add = (method: string, path: string, name: string, handler: Parameters<Router['add']>[4]) =>
    router.add(method, `/rest/api/:v${path}`, `jira.${name}`, 'jira', handler);
  add('GET', '/myself', 'myself', jira.myself);
  add('GET', '/issue/createmeta/:project/issuetypes', 'createmeta', jira.createmeta);
  add('POST', '/issue', 'issue.create', jira.createIssue);
  add('GET', '/issue/:key', 'issue.get', jira.getIssue);
  add('GET', '/issue/:key/changelog', 'changelog', jira.changelog);
  add('POST', '/issue/:key/comment', 'comment.add', jira.addComment);
  add('GET', '/issue/:key/comment', 'comment.list', jira.listComments);
  add('GET', '/issue/:key/transitions', 'transitions.list', jira.listTransitions);
  add('POST', '/issue/:key/transitions', 'transitions.do', jira.doTransition);
  add('GET', '/search/jql', 'search.jql', jira.searchJql);
  add('POST', '/search/jql', 'search.jql', jira.searchJql);
  add('GET', '/search', 'search.legacy', jira.searchLegacy);
  add('POST', '/search', 'search.legacy', jira.searchLegacy);
}

export function addVendorRoutes(
  router: Router,
  world: World,
  tokens: TokenStore,
  defaultOrg: string,
  flavor: () => JiraFlavor,
): void {
  router.add('POST', '/ims/token/v3', 'ims.token', 'ims', imsToken(tokens));
  addFlowService(router, world);
  router.add('GET', '/data/core/ups/segment/definitions', 'seg.definitions.list', 'aep', listSegmentDefinitions(world));
  router.add(
    'GET',
    '/data/core/ups/segment/definitions/:id',
    'seg.definitions.get',
    'aep',
    getSegmentDefinition(world),
  );
  router.add('GET', '/data/core/idnamespace/identities', 'identity.namespaces.list', 'aep', listNamespaces(world));
  addAam(router, world, defaultOrg);
  addJira(router, world, flavor);
}
