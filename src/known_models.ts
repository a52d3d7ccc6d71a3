// Published models that `tinyq run` recognises by their SHA-256, to name their classes without --labels.

export interface KnownModel {
  name: string;
  labels: readonly string[];
}

const PERSON = ['no person', 'person'];

/** MLPerf Tiny models (mlcommons/tiny) and TFLite Micro's person_detect, unmodified. */
export const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = {
  '808cfdfc0cf3a6fa6f6fa26bfa379ea97c16d5db7334637766e39c3408502e9d': { name: 'TFLite Micro person_detect', labels: PERSON },
  '597a384c8c2c8a1276f04702f25013b7838f2f814f1ca7c174d295b73e3d6b7b': { name: 'MLPerf Tiny visual wake words (vww_96_int8)', labels: PERSON },
  'aeea436800704fce17b17292e4412630ad856e9d777c044c64ef748a880bd0ae': {
    name: 'MLPerf Tiny keyword spotting (kws_ref_model)',
    labels: ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', 'silence', 'unknown'],
  },
  '3c002613d1b2475eb51dd78dfb85a546c8ae658dee71cf6ade43b022fe205415': {
    name: 'MLPerf Tiny CIFAR-10 ResNet (pretrainedResnet_quant)',
    labels: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
  },
};
