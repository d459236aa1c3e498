// Makes jet-opencv.txt: OpenCV's COLORMAP_JET lookup table, one line "i r g b" per 8-bit input i
// (RGB order, as the reference uses it after cv2.cvtColor(BGR2RGB)). Used by MapExportTest.
// Build and run (Debian: apt-get install libopencv-imgproc-dev):
//   g++ -O0 make_jet_lut.cpp -I/usr/include/opencv4 -lopencv_imgproc -lopencv_core -o /tmp/jet && /tmp/jet > jet-opencv.txt
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

int main() {
    cv::Mat ramp(1, 256, CV_8UC1);
    for (int i = 0; i < 256; i++) {
        ramp.at<unsigned char>(0, i) = (unsigned char) i;
    }
    cv::Mat bgr;
    cv::applyColorMap(ramp, bgr, cv::COLORMAP_JET);
    std::printf("# OpenCV %s COLORMAP_JET: i r g b\n", CV_VERSION);
    for (int i = 0; i < 256; i++) {
        cv::Vec3b c = bgr.at<cv::Vec3b>(0, i);
        std::printf("%d %d %d %d\n", i, c[2], c[1], c[0]);
    }
    return 0;
}
