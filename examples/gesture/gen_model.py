"""Makes the gesture example: synthetic accelerometer windows, a small classifier trained on
them, its full-integer int8 .tflite, and a recording to run it on.

Run from the repo root: /work/venv/bin/python examples/gesture/gen_model.py
Writes examples/gesture/model.tflite, labels.txt and recording.csv (one window of each
gesture, in the order of labels.txt).

The int8 model comes from TensorFlow's converter until tinyq's own quantizer exists; then this
script will write the float model and calibration windows, and tinyq will quantize it.
"""
import os

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = ['rest', 'shake', 'circle', 'tap']
RATE = 50        # samples per second
WINDOW = 64      # samples per window (1.28 s)
AXES = 3         # x, y, z in g
SEED = 2024


def random_rotation(rng):
    """A random small tilt of the device, so gravity does not always point along z."""
    ax, ay = rng.uniform(-0.35, 0.35, size=2)
    rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    return rx @ ry


def gesture(label, rng):
    """One window of accelerometer samples (WINDOW x 3, in g) for a gesture class."""
    t = np.arange(WINDOW) / RATE
    motion = np.zeros((WINDOW, AXES))
    phase = rng.uniform(0, 2 * np.pi)
    if label == 'shake':        # fast back-and-forth along one horizontal axis
        axis = rng.integers(0, 2)
        motion[:, axis] = rng.uniform(0.8, 2.0) * np.sin(2 * np.pi * rng.uniform(4, 7) * t + phase)
    elif label == 'circle':     # slow circle in the horizontal plane
        radius, frequency = rng.uniform(0.4, 1.0), rng.uniform(0.8, 1.6)
        motion[:, 0] = radius * np.sin(2 * np.pi * frequency * t + phase)
        motion[:, 1] = radius * np.cos(2 * np.pi * frequency * t + phase)
    elif label == 'tap':        # one or two short spikes on z
        for _ in range(rng.integers(1, 3)):
            at = rng.integers(4, WINDOW - 8)
            motion[at:at + 3, 2] += rng.uniform(1.5, 3.0) * np.array([0.6, 1.0, -0.5])
    gravity = np.array([0.0, 0.0, 1.0])
    samples = (motion + gravity) @ random_rotation(rng).T
    return samples + rng.normal(0, 0.04, size=samples.shape)


def dataset(count, rng):
    labels = rng.integers(0, len(LABELS), size=count)
    windows = np.stack([gesture(LABELS[label], rng) for label in labels]).astype(np.float32)
    return windows, labels


def build_model():
    # Only operators tinyq runs today: RESHAPE, CONV_2D, MAX/AVERAGE_POOL_2D, FULLY_CONNECTED, SOFTMAX.
    inputs = tf.keras.Input(shape=(WINDOW, AXES), batch_size=1)
    x = tf.keras.layers.Reshape((WINDOW, 1, AXES))(inputs)
    x = tf.keras.layers.Conv2D(8, (5, 1), padding='same', activation='relu')(x)
    x = tf.keras.layers.MaxPooling2D((2, 1))(x)
    x = tf.keras.layers.Conv2D(16, (5, 1), padding='same', activation='relu')(x)
    x = tf.keras.layers.AveragePooling2D((WINDOW // 2, 1))(x)
    x = tf.keras.layers.Flatten()(x)
    outputs = tf.keras.layers.Dense(len(LABELS), activation='softmax')(x)
    return tf.keras.Model(inputs, outputs)


def quantize_tflite(x, scale, zero_point):
    """TFLite's quantizer: round half away from zero in float32, then the zero point, clamped."""
    scaled = (x.astype(np.float32) / np.float32(scale)).astype(np.float32)
    return np.clip(np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) + zero_point, -128, 127).astype(np.int8)


def main():
    rng = np.random.default_rng(SEED)
    tf.keras.utils.set_random_seed(SEED)
    train_x, train_y = dataset(2000, rng)
    test_x, test_y = dataset(400, rng)
    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(train_x, train_y, epochs=15, batch_size=32, verbose=0)
    print('float test accuracy: %.3f' % model.evaluate(test_x, test_y, verbose=0)[1])

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([window[None]] for window in train_x[:200])
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    tflite = converter.convert()

    interpreter = tf.lite.Interpreter(model_content=tflite, experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    input_detail, output_detail = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    scale, zero_point = input_detail['quantization']

    def classify(window):
        interpreter.set_tensor(input_detail['index'], quantize_tflite(window, scale, zero_point)[None])
        interpreter.invoke()
        return int(np.argmax(interpreter.get_tensor(output_detail['index'])[0]))

    accuracy = np.mean([classify(window) == label for window, label in zip(test_x, test_y)])
    print('int8 test accuracy: %.3f' % accuracy)

    # The recording: one window of each gesture, rounded as the CSV stores it.
    recording = np.concatenate([gesture(label, rng) for label in LABELS]).round(3).astype(np.float32)
    predicted = [LABELS[classify(recording[k * WINDOW:(k + 1) * WINDOW])] for k in range(len(LABELS))]
    assert predicted == LABELS, predicted

    with open(os.path.join(HERE, 'model.tflite'), 'wb') as out:
        out.write(tflite)
    with open(os.path.join(HERE, 'labels.txt'), 'w') as out:
        out.write('\n'.join(LABELS) + '\n')
    with open(os.path.join(HERE, 'recording.csv'), 'w') as out:
        out.write('ax,ay,az\n')
        out.writelines('%.3f,%.3f,%.3f\n' % tuple(row) for row in recording)
    print('model: %d bytes, input scale %.6g zero point %d' % (len(tflite), scale, zero_point))


if __name__ == '__main__':
    main()
