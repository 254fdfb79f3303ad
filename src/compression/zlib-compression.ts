import { constants as bufferConstants } from "node:buffer";
import { deflate as zlibDeflate, gzip as zlibGzip, gunzip, inflate, type ZlibOptions } from "node:zlib";
import { Code, GrpcError, describeError } from "../status/index.js";
import type { Compression } from "./compression.js";
import { decompressedTooLarge } from "./size-limit.js";

type ZlibCall = (input: Uint8Array, options: ZlibOptions, callback: (error: Error | null, result: Buffer) => void) => void;

function promisify(call: ZlibCall, input: Uint8Array, options: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => call(input, options, (error, result) => (error ? reject(error) : resolve(result))));
}

function isOutputTooLarge(error: unknown): boolean {
  return (error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE";
}

/**
 * Builds a Compression on a node:zlib format pair.
 *
 * Decompression passes `maxOutputLength`, so zlib stops and frees its output as soon as the
 * total passes the limit: a small bomb never inflates beyond one output chunk past the limit.
 */
function zlibCompression(name: string, compress: ZlibCall, decompress: ZlibCall): Compression {
  return {
    name,
    compress: (bytes) => promisify(compress, bytes, {}),
    decompress: async (bytes, maxBytes) => {
      // zlib wants 1 <= maxOutputLength <= buffer.constants.MAX_LENGTH; an exact 0 limit is checked afterwards.
      const maxOutputLength = Math.min(Math.max(maxBytes, 1), bufferConstants.MAX_LENGTH);
      let result: Buffer;
      try {
        result = await promisify(decompress, bytes, { maxOutputLength });
      } catch (error) {
        if (isOutputTooLarge(error)) throw decompressedTooLarge(name, maxBytes);
        throw new GrpcError(Code.Internal, `compression: corrupt ${name} data: ${describeError(error)}`, { cause: error });
      }
      if (result.length > maxBytes) throw decompressedTooLarge(name, maxBytes, result.length);
      return result;
    },
  };
}

/**
 * "gzip": RFC 1952 gzip format.
 * https://github.com/grpc/grpc/blob/master/doc/compression.md
 */
export const gzip: Compression = zlibCompression("gzip", zlibGzip, gunzip);

/**
 * "deflate": as in HTTP content-coding, the zlib format of RFC 1950 (a deflate stream with a
 * 2-byte header and an Adler-32 trailer), not raw RFC 1951 deflate. gRPC C-core, grpc-java and
 * grpc-js write this format; a raw deflate stream is rejected as corrupt.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export const deflate: Compression = zlibCompression("deflate", zlibDeflate, inflate);

/**
 * The compressions tsgrpc offers unless told otherwise, in order of preference.
 */
export const DEFAULT_COMPRESSIONS: readonly Compression[] = Object.freeze([gzip, deflate]);
