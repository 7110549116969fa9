/* Read aloud's screens, landscape and portrait, to _build/tour-<orientation>-speech-*.png:
 * test-ui-speech.c's tour alone, a test of its own so that each stays under a minute.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define GH_SPEECH_TOUR 1
#include "test-ui-speech.c"
