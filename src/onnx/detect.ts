// Telling an ONNX file from a .tflite file by content, without loading the protobuf reader
// (the host loads the ONNX importer only when a model needs it, so browsers never fetch it).

/**
 * Whether the bytes look like an ONNX ModelProto rather than a .tflite flatbuffer: a TFLite
 * file carries the identifier "TFL3" at byte 4, an ONNX file starts with the ir_version field
 * (tag 0x08) and must then decode as a model with a graph.
 */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const identifier = String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]);
  return identifier !== 'TFL3' && bytes[0] === 0x08;
}
