// certificate.mjs: a real certificate for the verification page, issued the way
// tests/http/test_decision.c issues one: the administrator takes a dossier of demo product 2
// through the procedure into the province's round, the demo council scores it 3★, and the
// province's officer records the recognition decision through the API. scoredDossier is that
// first part alone, for checks that decide in the browser (decide.mjs).
export function vietnamToday() {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10); // ocop counts days in Vietnam
}

// The scoreable criteria of a rubric sheet: objects with a code and options, at any depth.
function leaves(node, out) {
  if (Array.isArray(node)) {
    for (const v of node) leaves(v, out);
  } else if (node && typeof node === 'object') {
    if (typeof node.code === 'string' && Array.isArray(node.options) && node.options.length) out.push(node);
    for (const [k, v] of Object.entries(node)) if (k !== 'options' && k !== 'document') leaves(v, out);
  }
  return out;
}

// Choices worth at least target points that meet the minimums of stars.
function choices(sheet, stars, target) {
  const ls = leaves(sheet, []);
  const best = (opts, ok) => opts.reduce((b, o, i) => (ok(o) && (b < 0 || o.points > opts[b].points) ? i : b), -1);
  const pick = ls.map((l) => {
    const mark = best(l.options, (o) => Number.isInteger(o.min_star) && o.min_star <= stars);
    return mark >= 0 ? mark : l.options.reduce((b, o, i) => (o.points < l.options[b].points ? i : b), 0);
  });
  let total = ls.reduce((s, l, i) => s + l.options[pick[i]].points, 0);
  for (let i = 0; i < ls.length && total < target; i++) {
    const top = best(ls[i].options, () => true);
    total += ls[i].options[top].points - ls[i].options[pick[i]].points;
    pick[i] = top;
  }
  return Object.fromEntries(ls.map((l, i) => [l.code, pick[i]]));
}

// A dossier of productId taken through the procedure into a new round (number) of province
// 86 and scored 3★ by the demo council's chair and member, through the API of srv (serving;
// anything with srv.api); tokens of the administrator, the province's officer, the chair and
// the member. Returns the dossier's id.
export async function scoredDossier(srv, tokens, productId, number) {
  const year = vietnamToday().slice(0, 4);
  const { admin, province, chair, member } = tokens;
  const round = await srv.api(province, 'POST', '/api/v1/rounds', {
    province_code: '86', year: Number(year), number, forward_by: `${year}-12-31`, ends_on: `${year}-12-31`, council_id: 1,
  }, 201);
  const d = await srv.api(province, 'POST', '/api/v1/dossiers', { kind: 'first', product_id: productId }, 201);
  const at = `/api/v1/dossiers/${d.id}`;
  await srv.api(admin, 'PUT', `${at}/self-assessment`, { choices: {} }, 200);
  await srv.api(admin, 'POST', `${at}/transitions`, { action: 'submit' }, 200);
  await srv.api(admin, 'POST', `${at}/transitions`, { action: 'receive' }, 200);
  const met = { met: true };
  await srv.api(admin, 'PUT', `${at}/commune-report`, { items: { origin: met, labour: met, idea: met, identity: met } }, 200);
  await srv.api(admin, 'POST', `${at}/transitions`, { action: 'forward' }, 200);
  await srv.api(province, 'POST', `${at}/transitions`, { action: 'check' }, 200);
  await srv.api(province, 'POST', `${at}/transitions`, { action: 'assign', round_id: round.id }, 200);
  const dossier = await srv.api(admin, 'GET', at, undefined, 200);
  const sheet = await srv.api(null, 'GET', `/api/v1/rubrics/${dossier.rubric_version}/sets/${dossier.set_no}`, undefined, 200);
  const ch = choices(sheet, 3, 55);
  for (const t of [chair, member]) await srv.api(t, 'PUT', `${at}/scores/me`, { choices: ch, submit: true }, 200);
  await srv.api(chair, 'POST', `${at}/scores/close`, {}, 200);
  return d.id;
}

// Issues a certificate through the API of srv (serving, with a signing key for province 86):
// demo product 2's dossier, scored, and the province officer's decision. Returns its number,
// e.g. "86-2026-0001".
export async function issueCertificate(srv, tokens) {
  const id = await scoredDossier(srv, tokens, 2, 7);
  const decision = await srv.api(tokens.province, 'POST', '/api/v1/decisions', {
    number: '101/QĐ-UBND', decided_on: vietnamToday(), level: 'province', signer_name: 'Nguyễn Văn Mẫu',
    signer_title: 'KT. CHỦ TỊCH/PHÓ CHỦ TỊCH', items: [{ dossier_id: id }],
  }, 201);
  return decision.items[0].cert_no;
}
