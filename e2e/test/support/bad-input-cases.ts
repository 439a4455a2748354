import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { duck, q } from "./duck.js";
import { connectionsYaml, pgUrl } from "./pg-side.js";
import { chownNobody } from "./project.js";

// The catalogue of bad inputs (issue 6): each case feeds hygge one bad thing; the test asserts the
// exit code, that the message names the file, table or key, and that the destination is unchanged.

export const FLOW =
  "home: { type: parquet, path: ./src }\nstore: { type: parquet, path: ./out }\nentities: [alpha, beta]\n";

/** tmpfs mounts made by cases, unmounted after the suite. */
export const mounts: string[] = [];

export interface Case {
  name: string;
  /** Mutates the copied project; may return extra args. */
  setup?: (dir: string) => unknown;
  args?: string[];
  asNobody?: boolean;
  /** With asNobody: leave ownership as setup made it (default: give nobody the whole project). */
  keepOwners?: boolean;
  code: number;
  /** Each must match the combined output. */
  says: RegExp[];
  /** Must not appear in the output. */
  never?: string[];
  skip?: boolean;
}

const flowFile = (dir: string) => path.join(dir, "flows", "copy", "flow.yml");
export const writeFlow = (dir: string, text: string) => fs.writeFileSync(flowFile(dir), text);
const srcFile = (dir: string, entity = "alpha") => path.join(dir, "src", entity, "part-0.parquet");
export const addParquet = async (file: string, select: string) => {
  const db = await duck();
  await db.run(`COPY (${select}) TO ${q(file)} (FORMAT parquet)`);
  db.close();
};

const pgCase = (c: Case): Case => ({ ...c, skip: !pgUrl });

export const cases: Case[] = [
  {
    name: "missing source folder",
    setup: (dir) => fs.rmSync(path.join(dir, "src", "alpha"), { recursive: true }),
    code: 1,
    says: [/copy/, /alpha/, /src[/\\]alpha/],
  },
  {
    name: "unreadable source file (permissions, as nobody)",
    setup: (dir) => {
      fs.chmodSync(srcFile(dir), 0o000);
    },
    asNobody: true,
    code: 1,
    says: [/alpha/, /part-0\.parquet/, /EACCES|permission/i],
  },
  {
    name: "corrupt parquet file",
    setup: (dir) => {
      const file = srcFile(dir);
      const bytes = fs.readFileSync(file);
      bytes.fill(0x5a, 4, Math.min(bytes.length - 8, 4000));
      const footerLen = bytes.readUInt32LE(bytes.length - 8);
      bytes.fill(0x7f, bytes.length - 8 - footerLen, bytes.length - 8);
      fs.writeFileSync(file, bytes);
    },
    code: 1,
    says: [/alpha/, /part-0\.parquet/],
  },
  {
    name: "truncated parquet file",
    setup: (dir) => {
      const file = srcFile(dir);
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    },
    code: 1,
    says: [/alpha/, /part-0\.parquet/],
  },
  {
    name: "schema changing between files",
    setup: (dir) =>
      // A string id next to part-0's BIGINT: no type holds the other (an added column alone is read by name).
      addParquet(path.join(dir, "src", "alpha", "part-1.parquet"), "SELECT 'x' AS id, 'x' AS other"),
    code: 1,
    says: [/SCHEMA_MISMATCH/, /part-0\.parquet/, /part-1\.parquet/, /"id"/],
  },
  {
    name: "destination not writable (as nobody)",
    setup: (dir) => {
      // Everything is nobody's except the destination, which stays root's (0755).
      chownNobody(path.join(dir, "src"));
      chownNobody(path.join(dir, "flows"));
      execFileSync("chown", ["nobody:nogroup", dir, path.join(dir, "hygge.yml")]);
      if (fs.existsSync(path.join(dir, ".hygge"))) chownNobody(path.join(dir, ".hygge"));
    },
    asNobody: true,
    keepOwners: true,
    code: 1,
    says: [/out/, /EACCES|permission|not writable/i],
  },
  {
    name: "disk full (a tiny filesystem under the destination)",
    setup: async (dir) => {
      const out = path.join(dir, "out");
      const saved = `${out}.saved`;
      fs.renameSync(out, saved);
      fs.mkdirSync(out);
      const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=160k", "tmpfs", out]).status === 0;
      if (mounted) mounts.push(out);
      fs.cpSync(saved, out, { recursive: true });
      // Enough new rows that the run cannot fit: at least 10x the space left.
      await addParquet(
        path.join(dir, "src", "alpha", "part-1.parquet"),
        "SELECT i::BIGINT AS id, (1000 + i)::BIGINT AS ts, md5(i::VARCHAR) || md5((i*7)::VARCHAR) AS payload, i % 2 = 0 AS flag FROM range(1000, 200000) t(i)",
      );
      // Without the right to mount, a file-size limit stands in for the full disk (EFBIG instead of ENOSPC).
      if (!mounted) return ["--fsize", "200000"];
    },
    code: 1,
    says: [/ENOSPC|EFBIG|no space|too large/i, /out/],
  },
  {
    name: "unknown home type",
    setup: (dir) => writeFlow(dir, FLOW.replace("type: parquet, path: ./src", "type: parqet, path: ./src")),
    code: 2,
    says: [/flows[/\\]copy[/\\]flow\.yml/, /parqet/, /did you mean "parquet"/i, /@hygge\/parquet/],
  },
  {
    name: "unknown store type",
    setup: (dir) =>
      writeFlow(dir, FLOW.replace("type: parquet, path: ./out", "type: deltalake, path: ./out")),
    code: 2,
    says: [/flow\.yml/, /store type "deltalake"/, /flow copy/],
  },
  {
    name: "bad YAML",
    setup: (dir) => writeFlow(dir, "home: { type: parquet, path: ./src\nstore: [\n"),
    code: 2,
    says: [/flow\.yml:\d+/],
  },
  {
    name: "unknown key",
    setup: (dir) => writeFlow(dir, FLOW.replace("path: ./out }", "path: ./out, compresion: zstd }")),
    code: 2,
    says: [/flow\.yml/, /store\.compresion/, /did you mean "compression"/],
  },
  {
    name: "wrong value type",
    setup: (dir) => writeFlow(dir, FLOW.replace("path: ./src }", "path: ./src, batch_size: ten }")),
    code: 2,
    says: [/flow\.yml/, /home\.batch_size/, /number/],
  },
  {
    name: "missing environment variable",
    setup: (dir) => writeFlow(dir, FLOW.replace("./out", "${HYGGE_NOT_SET_ANYWHERE}")),
    code: 2,
    says: [/HYGGE_NOT_SET_ANYWHERE/, /flow\.yml/],
  },
  {
    name: "unreachable database",
    setup: (dir) => {
      fs.writeFileSync(
        path.join(dir, "hygge.yml"),
        "name: bad\nplugins: [parquet, sql]\nconnections:\n  wh:\n    type: postgres\n    host: 127.0.0.1\n    port: 9\n    database: x\n    user: u\n    password: Unreachable-Secret-42\n    connect_timeout_ms: 3000\n",
      );
      writeFlow(
        dir,
        "home: { type: postgres, connection: wh, table: public.t }\nstore: { type: parquet, path: ./out }\nentities: [alpha]\n",
      );
    },
    code: 1,
    says: [/connection "?wh"?/, /127\.0\.0\.1|ECONNREFUSED|reach/i],
    never: ["Unreachable-Secret-42"],
  },
  pgCase({
    name: "login failure (unknown role): names the connection, never the password",
    setup: (dir) => {
      const u = new URL(pgUrl ?? "postgres://x@127.0.0.1/test");
      fs.writeFileSync(
        path.join(dir, "hygge.yml"),
        `name: bad\nplugins: [parquet, sql]\nconnections:\n  wh:\n    type: postgres\n    host: ${u.hostname}\n    port: ${u.port || 5432}\n    database: ${u.pathname.slice(1)}\n    user: hygge_no_such_role\n    password: Wr0ng-Pa55word!\n`,
      );
      writeFlow(
        dir,
        "home: { type: postgres, connection: wh, table: public.t }\nstore: { type: parquet, path: ./out }\nentities: [alpha]\n",
      );
    },
    code: 1,
    says: [/wh/, /hygge_no_such_role|authentication|login|role/i],
    never: ["Wr0ng-Pa55word!"],
  }),
  pgCase({
    name: "table not found",
    setup: (dir) => {
      fs.writeFileSync(
        path.join(dir, "hygge.yml"),
        `name: bad\nplugins: [parquet, sql]\n${connectionsYaml(pgUrl ?? "postgres://x@h/db")}`,
      );
      writeFlow(
        dir,
        "home: { type: postgres, connection: wh, table: 'public.hygge_no_such_table_{entity}' }\nstore: { type: parquet, path: ./out }\nentities: [alpha]\n",
      );
    },
    code: 1,
    says: [/hygge_no_such_table_alpha/],
  }),
  {
    name: "watermark column missing",
    setup: (dir) =>
      writeFlow(
        dir,
        `${FLOW}run_type: incremental\nwatermark: { watermark_column: updated_at, primary_key: id }\n`,
      ),
    code: 1,
    says: [/updated_at/, /alpha/],
  },
  {
    name: "watermark column of an unorderable type",
    setup: (dir) =>
      writeFlow(
        dir,
        `${FLOW}run_type: incremental\nwatermark: { watermark_column: flag, primary_key: id }\n`,
      ),
    code: 1,
    says: [/flag/, /cannot be ordered/],
  },
  {
    name: "entity name with a path separator",
    setup: (dir) => writeFlow(dir, FLOW.replace("[alpha, beta]", "[alpha, ../escape]")),
    code: 2,
    says: [/flow\.yml/, /entities\[1\]/, /path separators|'\.\.'/],
  },
  {
    name: "entity name with ..",
    setup: (dir) => writeFlow(dir, FLOW.replace("[alpha, beta]", "[alpha, 'x..y']")),
    code: 2,
    says: [/flow\.yml/, /'\.\.'/],
  },
  {
    name: "unknown plugin",
    setup: (dir) =>
      fs.writeFileSync(path.join(dir, "hygge.yml"), "name: bad\nplugins: [parquet, hygge-plugin-nope]\n"),
    code: 2,
    says: [/hygge-plugin-nope/, /npm install|pnpm add/],
  },
  {
    name: "unknown connection",
    setup: (dir) => {
      fs.writeFileSync(path.join(dir, "hygge.yml"), "name: bad\nplugins: [parquet, sql]\n");
      writeFlow(
        dir,
        "home: { type: postgres, connection: nowhere, table: t }\nstore: { type: parquet, path: ./out }\nentities: [alpha]\n",
      );
    },
    code: 2,
    says: [/unknown connection "nowhere"/, /flow\.yml/],
  },
  {
    name: "--incremental with --full-drop",
    args: ["--incremental", "--full-drop"],
    code: 2,
    says: [/incremental/, /full-drop/],
  },
  {
    name: "a filter that matches nothing",
    args: ["--flow", "nope"],
    code: 2,
    says: [/nope/, /copy/],
  },
  {
    name: "a run type the store does not support",
    setup: (dir) => writeFlow(dir, `${FLOW}run_type: merge\nprimary_key: id\n`),
    code: 2,
    says: [/run_type merge/, /flow\.yml/],
  },
  {
    name: "a source with zero columns",
    setup: async (dir) => {
      const { parquetWriteFile } = await import("hyparquet-writer");
      parquetWriteFile({ filename: path.join(dir, "src", "alpha", "part-0.parquet"), columnData: [] });
      fs.rmSync(path.join(dir, "src", "beta"), { recursive: true });
      writeFlow(dir, FLOW.replace("[alpha, beta]", "[alpha]"));
    },
    code: 1,
    says: [/alpha/, /part-0\.parquet/, /has no columns/],
  },
];
