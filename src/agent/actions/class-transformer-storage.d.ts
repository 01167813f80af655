// class-transformer ships this module without a declaration; class-validator-jsonschema reads @Type from it.
declare module 'class-transformer/cjs/storage' {
  export const defaultMetadataStorage: import('class-transformer/types/MetadataStorage').MetadataStorage;
}
