export { centerCrop, frameFromPixels, imageShape, imageToInput, resize, toGray, toRgb } from './image.js';
export type { Frame, ImageInputOptions, PixelFormat, ResizeMethod } from './image.js';
export { decodeImage, imageFormatOf } from './image_file.js';
export type { ImageFormat } from './image_file.js';
export { decodeBmp } from './bmp.js';
