# SharedFs: `make run` shows it working, `make test` runs every test. Both install what they need (as root).
SHELL := /bin/bash
CONFIGURATION ?= Release
RID ?= linux-x64

.PHONY: deps build test publish clean buildpack run bench soak

## deps: install the system packages (FUSE, Ceph, s3fs, s3cmd, rclone, fio…) and restore NuGet packages
deps:
	@scripts/install-deps.sh

## build: compile every project (warnings are errors)
build: deps
	dotnet build SharedFsInit.sln --no-restore -c Debug

## test: every test, against a throwaway Ceph RADOS Gateway on 127.0.0.1; last line "N passed, N failed"
test: build
	@scripts/run-tests.sh

## publish: one native executable at out/sharedfs-init (NativeAOT, needs no .NET at run time)
publish: deps
	dotnet publish src/SharedFs.Init/SharedFs.Init.csproj -c $(CONFIGURATION) -r $(RID) -o out --nologo
	@rm -f out/*.dbg out/*.pdb
	@ls -l out/sharedfs-init

## clean: remove build outputs
clean:
	rm -rf out TestResults
	find src tests -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +

## buildpack: out/sharedfs-buildpack.tgz, the buildpack a BUILDPACK_URL points at (binary and libfuse3 inside)
buildpack: publish
	@buildpack/package.sh out/sharedfs-init out/sharedfs-buildpack.tgz

## run: a local S3 server and two app containers sharing one bucket through sharedfs-init (Ctrl-C stops all)
run: deps publish
	@scripts/demo/run.sh

## bench: SharedFs against s3fs and rclone on a local Ceph gateway (QUICK=1 for a short run)
bench: publish
	@QUICK=$(QUICK) bench/run.sh

## soak: the long reliability tests (16,000-file load test, repeated fault rounds); not part of make test
soak: build
	@tests/soak/soak.sh
