/**
 * Documents attached to an agreement's version, over HTTP (README, Co-operation agreements:
 * documents). The file is the request body; what it is comes from its bytes, never its name
 * or its declared type: a PDF or a Word document (.docx), at most 20 MB, or 415/413 with
 * nothing stored. The answer carries the SHA-256 of the bytes, and the download gives back
 * exactly those bytes. Only parties see documents; their officers and admins attach them.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, bearer, call } from './support/world';

const BANES = 'E06000022';
const NORTH_SOMERSET = 'E06000024';
const THIRD = 'S12000018';

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const OCTETS = 'application/octet-stream';
const PROBLEM = /^application\/problem\+json/;

// Test files, built here.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (ISO 3309, as ZIP uses it). */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A ZIP archive with each entry stored (no compression). */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const fileName = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6); // version needed
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    // extra, comment, disk, internal and external attributes: 0
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    directory.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const centralBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

const MINIMAL_PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
  'latin1',
);

const MINIMAL_DOCX = zip({
  '[Content_Types].xml':
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  'word/document.xml':
    '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    '<w:body><w:p><w:r><w:t>Appendix A: contributions</w:t></w:r></w:p></w:body></w:document>',
});

const NOT_WORD_ZIP = zip({ 'hello.txt': 'Not a Word document', 'data/figures.csv': 'a,b\n1,2\n' });
const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Reads any answer's body as its bytes (supertest buffers text and JSON only). */
function bytesOf(res: request.Response, done: (error: Error | null, body: Buffer) => void) {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
  stream.on('error', (error: Error) => done(error, Buffer.alloc(0)));
}

describe('documents attached to an agreement version', () => {
  let world: World;
  let banes: string;
  let northSomerset: string;
  let banesOfficer: SignedIn;
  let banesViewer: SignedIn;
  let nsOfficer: SignedIn;
  let nsAdmin: SignedIn;
  let thirdAdmin: SignedIn;
  let agreementId: string;

  const t = () => world.t;
  const documents = (id = agreementId, version = 1) =>
    `/api/v1/agreements/${id}/versions/${version}/documents`;

  function upload(
    who: SignedIn,
    bytes: Buffer,
    contentType: string,
    fileName: string,
    kind = 'appendix',
    path = documents(),
  ) {
    const query = `fileName=${encodeURIComponent(fileName)}&kind=${kind}`;
    return request(t().http)
      .post(`${path}?${query}`)
      .set(bearer(who))
      .set('Content-Type', contentType)
      .send(bytes);
  }

  const download = (who: SignedIn, documentId: string) =>
    request(t().http)
      .get(`${documents()}/${documentId}/content`)
      .set(bearer(who))
      .buffer(true)
      .parse(bytesOf);

  /** Rows of documents and of their bytes, as stored (every agreement). */
  async function storedCounts() {
    const [row] = await queryAs<{ documents: number; contents: number }>(
      t().db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT (SELECT count(*)::int FROM agreement_documents) AS documents,
              (SELECT count(*)::int FROM agreement_document_contents) AS contents`,
    );
    return row;
  }

  /** A 415 (or `status`) problem+json, and nothing stored. */
  async function expectRefused(
    send: () => Promise<request.Response>,
    status = 415,
  ): Promise<request.Response> {
    const before = await storedCounts();
    const res = await send();
    expect([res.status, res.headers['content-type']]).toEqual([
      status,
      expect.stringMatching(PROBLEM),
    ]);
    expect(res.body).toMatchObject({ status });
    expect(await storedCounts()).toEqual(before);
    return res;
  }

  beforeAll(async () => {
    world = await World.start();
    banes = await world.council(BANES);
    northSomerset = await world.council(NORTH_SOMERSET);
    const third = await world.council(THIRD);
    banesOfficer = await world.user(banes, 'officer');
    banesViewer = await world.user(banes, 'viewer');
    nsOfficer = await world.user(northSomerset, 'officer');
    nsAdmin = await world.user(northSomerset, 'council_admin');
    thirdAdmin = await world.user(third, 'council_admin');
    const created = await call(
      t(),
      banesOfficer,
      'post',
      '/agreements',
      {
        reference: 'E 2649/documents',
        title: 'Co-operation agreement with North Somerset Council',
        purposes: ['Improve services'],
        legalBasis: ['Local Government Act 2000, section 2'],
        parties: [{ councilId: banes }, { councilId: northSomerset }],
      },
      201,
    );
    agreementId = created.body.id as string;
  });
  afterAll(() => world.t.close());

  describe('a PDF and a Word document, stored and given back byte for byte', () => {
    it("takes a party officer's PDF: its SHA-256, a Location, and the same bytes back", async () => {
      const before = await storedCounts();
      const res = await upload(nsOfficer, MINIMAL_PDF, PDF, 'agreement.pdf', 'signed_agreement');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        versionNumber: 1,
        kind: 'signed_agreement',
        fileName: 'agreement.pdf',
        contentType: PDF,
        sizeBytes: MINIMAL_PDF.length,
        sha256: sha256(MINIMAL_PDF),
        recordedBy: nsOfficer.id,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      });
      expect(res.headers.location).toBe(`${documents()}/${res.body.id}`);
      expect(await storedCounts()).toEqual({
        documents: before.documents + 1,
        contents: before.contents + 1,
      });
      const meta = await request(t().http).get(res.headers.location).set(bearer(banesOfficer));
      expect(meta.status).toBe(200);
      expect(meta.body).toEqual(res.body);
      const got = await download(banesOfficer, res.body.id);
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toMatch(/^application\/pdf/);
      expect(got.headers['content-disposition']).toMatch(/^attachment;/);
      expect(got.headers['content-disposition']).toContain('filename="agreement.pdf"');
      expect(Buffer.isBuffer(got.body)).toBe(true);
      expect((got.body as Buffer).equals(MINIMAL_PDF)).toBe(true);
      expect(sha256(got.body as Buffer)).toBe(res.body.sha256);
      expect(got.headers['x-content-sha256']).toBe(res.body.sha256);
    });

    it('takes a Word document (sent as octet-stream or as DOCX) and names it in the download', async () => {
      const fileName = 'Cytundeb – atodiad A.docx';
      for (const contentType of [DOCX, OCTETS]) {
        const res = await upload(banesOfficer, MINIMAL_DOCX, contentType, fileName);
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          kind: 'appendix',
          fileName,
          contentType: DOCX,
          sizeBytes: MINIMAL_DOCX.length,
          sha256: sha256(MINIMAL_DOCX),
          recordedBy: banesOfficer.id,
        });
        const got = await download(nsOfficer, res.body.id);
        expect(got.status).toBe(200);
        expect(got.headers['content-type']).toContain(DOCX);
        expect(got.headers['content-disposition']).toBe(
          `attachment; filename="Cytundeb _ atodiad A.docx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        );
        expect((got.body as Buffer).equals(MINIMAL_DOCX)).toBe(true);
      }
    });

    it("lists the version's documents, oldest first", async () => {
      const res = await request(t().http).get(documents()).set(bearer(nsOfficer));
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data.map((d: { fileName: string }) => d.fileName)).toEqual([
        'agreement.pdf',
        'Cytundeb – atodiad A.docx',
        'Cytundeb – atodiad A.docx',
      ]);
      expect(res.body.data[0]).toMatchObject({ sha256: sha256(MINIMAL_PDF), contentType: PDF });
    });
  });

  describe('a file is what its bytes are, at most 20 MB: anything else is refused and nothing stored', () => {
    it.each([
      ['plain text', Buffer.from('This is the signed agreement, honestly.\n%%EOF\n')],
      ['a PNG', PNG_HEADER],
      ['a PDF header without its end', Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n')],
    ])("refuses %s named 'agreement.pdf' and sent as application/pdf", async (_what, bytes) => {
      const res = await expectRefused(() => upload(nsOfficer, bytes, PDF, 'agreement.pdf'));
      expect(res.body.detail).toMatch(/PDF and Word/);
    });

    it('refuses a Word document sent as a PDF, and a PDF sent as a Word document', async () => {
      const docx = await expectRefused(() => upload(nsOfficer, MINIMAL_DOCX, PDF, 'agreement.pdf'));
      expect(docx.body.detail).toMatch(/sent as a PDF but it is a Word document/);
      const pdf = await expectRefused(() => upload(nsOfficer, MINIMAL_PDF, DOCX, 'agreement.docx'));
      expect(pdf.body.detail).toMatch(/sent as a Word document but it is a PDF/);
    });

    it.each([DOCX, OCTETS])(
      'refuses a ZIP that is not a Word document, sent as %s',
      async (type) => {
        await expectRefused(() => upload(nsOfficer, NOT_WORD_ZIP, type, 'appendix.docx'));
      },
    );

    it('refuses an empty body', async () => {
      await expectRefused(() => upload(nsOfficer, Buffer.alloc(0), PDF, 'agreement.pdf'));
    });

    it('refuses a 30 MB file with 413, and stores nothing', async () => {
      const big = Buffer.alloc(30 * 1024 * 1024);
      big.write('%PDF-1.4\n', 0, 'latin1');
      big.write('%%EOF\n', big.length - 6, 'latin1');
      const res = await expectRefused(() => upload(nsOfficer, big, PDF, 'agreement.pdf'), 413);
      expect(res.body.title).toBe('Payload Too Large');
    });

    it('takes a file of exactly 20 MB, and refuses one byte more with 413', async () => {
      const file = (size: number) => {
        const bytes = Buffer.alloc(size, 0x20);
        bytes.write('%PDF-1.4\n', 0, 'latin1');
        bytes.write('%%EOF\n', size - 6, 'latin1');
        return bytes;
      };
      const limit = 20 * 1024 * 1024;
      await expectRefused(() => upload(nsOfficer, file(limit + 1), PDF, 'over.pdf'), 413);
      const exact = file(limit);
      const res = await upload(nsOfficer, exact, PDF, 'exactly-20-mb.pdf');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ sizeBytes: limit, sha256: sha256(exact) });
    });
  });

  describe('who sees and attaches documents', () => {
    let documentId: string;

    beforeAll(async () => {
      const res = await upload(banesOfficer, MINIMAL_PDF, PDF, 'appendix-b.pdf');
      expect(res.status).toBe(201);
      documentId = res.body.id as string;
    });

    it('answers 404 to a council that is not a party, whatever it asks, and stores nothing', async () => {
      await expectRefused(() => upload(thirdAdmin, MINIMAL_PDF, PDF, 'agreement.pdf'), 404);
      const paths = [documents(), `${documents()}/${documentId}`];
      for (const path of paths) {
        const res = await request(t().http).get(path).set(bearer(thirdAdmin));
        expect([path, res.status, res.headers['content-type']]).toEqual([
          path,
          404,
          expect.stringMatching(PROBLEM),
        ]);
      }
      const got = await download(thirdAdmin, documentId);
      expect(got.status).toBe(404);
      expect(got.headers['content-type']).toMatch(PROBLEM);
      expect((got.body as Buffer).includes(MINIMAL_PDF)).toBe(false);
    });

    it("refuses a party's viewer an upload (403), but lets it list, read and download", async () => {
      await expectRefused(() => upload(banesViewer, MINIMAL_PDF, PDF, 'agreement.pdf'), 403);
      const list = await request(t().http).get(documents()).set(bearer(banesViewer));
      expect(list.status).toBe(200);
      expect(list.body.data.map((d: { id: string }) => d.id)).toContain(documentId);
      const meta = await request(t().http)
        .get(`${documents()}/${documentId}`)
        .set(bearer(banesViewer));
      expect(meta.status).toBe(200);
      expect(meta.body).toMatchObject({ id: documentId, sha256: sha256(MINIMAL_PDF) });
      const got = await download(banesViewer, documentId);
      expect(got.status).toBe(200);
      expect((got.body as Buffer).equals(MINIMAL_PDF)).toBe(true);
    });

    it("lets a party's council admin attach one too", async () => {
      const res = await upload(nsAdmin, MINIMAL_PDF, PDF, 'ns-cabinet-minute.pdf', 'other');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ kind: 'other', recordedBy: nsAdmin.id });
    });

    it('answers 404 for a version the agreement lacks, and for a document of another version', async () => {
      await expectRefused(
        () =>
          upload(
            nsOfficer,
            MINIMAL_PDF,
            PDF,
            'agreement.pdf',
            'appendix',
            documents(agreementId, 2),
          ),
        404,
      );
      const res = await request(t().http)
        .get(`${documents(agreementId, 2)}/${documentId}`)
        .set(bearer(nsOfficer));
      expect(res.status).toBe(404);
    });
  });

  describe('the body is a file on the upload route only, and JSON elsewhere', () => {
    it('refuses JSON sent to the upload route, and stores nothing', async () => {
      const before = await storedCounts();
      const res = await request(t().http)
        .post(`${documents()}?fileName=agreement.pdf`)
        .set(bearer(nsOfficer))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ content: MINIMAL_PDF.toString('base64') }));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(await storedCounts()).toEqual(before);
    });

    it('refuses a PDF sent to a JSON route with 415', async () => {
      const before = await request(t().http).get('/api/v1/agreements').set(bearer(banesOfficer));
      for (const type of [PDF, DOCX, OCTETS]) {
        const res = await request(t().http)
          .post('/api/v1/agreements')
          .set(bearer(banesOfficer))
          .set('Content-Type', type)
          .send(MINIMAL_PDF);
        expect([type, res.status, res.headers['content-type']]).toEqual([
          type,
          415,
          expect.stringMatching(PROBLEM),
        ]);
      }
      const after = await request(t().http).get('/api/v1/agreements').set(bearer(banesOfficer));
      expect(after.body.data).toHaveLength(before.body.data.length);
    });
  });
});
