"""Conan 2 recipe for nerve (header-only), built from the checkout it sits in:

    conan create cmake/conan                 # from the nerve checkout: puts nerve/0.1.0 in the cache
    # then in a consumer's conanfile.txt:  [requires] nerve/0.1.0   [generators] CMakeDeps CMakeToolchain

CMakeDeps then provides find_package(nerve CONFIG) and the target nerve::nerve. With the default
options xsimd comes along and nerve's SIMD kernels switch on by themselves (config.hpp looks for
<xsimd/xsimd.hpp>); with_eigen adds Eigen. tests/packaging checks that this recipe's version is
the CMake project's and that include/ holds only the *.hpp files it copies; Conan itself is not
run there (it is not in Debian 12).
"""
import os

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy
from conan.tools.layout import basic_layout


class NerveConan(ConanFile):
    name = "nerve"
    version = "0.1.0"
    license = "Apache-2.0"
    description = ("Header-only C++20 streaming analytics for sensor data: filters, FFT features, "
                   "statistics, anomaly and drift detection, int8 inference; allocation-free")
    topics = ("dsp", "streaming", "sensors", "embedded", "anomaly-detection", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"with_xsimd": [True, False], "with_eigen": [True, False]}
    default_options = {"with_xsimd": True, "with_eigen": False}
    no_copy_source = True

    def export_sources(self):
        checkout = os.path.join(self.recipe_folder, os.pardir, os.pardir)
        copy(self, "*.hpp", src=os.path.join(checkout, "include"),
             dst=os.path.join(self.export_sources_folder, "include"))
        copy(self, "LICENSE", src=checkout, dst=self.export_sources_folder)

    def layout(self):
        basic_layout(self, src_folder=".")

    def requirements(self):
        if self.options.with_xsimd:
            self.requires("xsimd/[>=9 <14]")
        if self.options.with_eigen:
            self.requires("eigen/[>=3.3 <4]")

    def validate(self):
        check_min_cppstd(self, 20)

    def package_id(self):
        self.info.clear()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", src=os.path.join(self.source_folder, "include"),
             dst=os.path.join(self.package_folder, "include"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.set_property("cmake_file_name", "nerve")
        self.cpp_info.set_property("cmake_target_name", "nerve::nerve")
