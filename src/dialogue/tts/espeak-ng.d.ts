// The part of the espeak-ng package (an Emscripten build of the eSpeak NG command line, shipped
// without types) that espeak-worker.ts uses.

declare module 'espeak-ng' {
  /** Exports of the wasm instance itself; the JS glue keeps them private, instantiateWasm sees them. */
  export interface EspeakExports {
    memory: { buffer: ArrayBuffer };
    malloc(size: number): number;
    stackSave(): number;
    stackRestore(pointer: number): void;
  }

  export interface EspeakFs {
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
    analyzePath(path: string): { exists: boolean };
    streams: Array<{ fd: number } | null | undefined>;
    close(stream: { fd: number }): void;
  }

  export interface EspeakModule {
    FS: EspeakFs;
    /** The C main(argc, argv) of the espeak-ng command line. */
    _main(argc: number, argv: number): number;
  }

  export interface EspeakOptions {
    arguments?: string[];
    /** Instantiate only; main is called later through _main. */
    noInitialRun?: boolean;
    print?: (line: string) => void;
    printErr?: (line: string) => void;
    instantiateWasm?: (imports: object, done: (instance: object, module: object) => void) => object;
  }

  export default function ESpeakNG(options?: EspeakOptions): Promise<EspeakModule>;
}
