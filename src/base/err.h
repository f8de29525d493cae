/* \summary: the size of the error buffers modules fill (libpcap's rule) */
#ifndef HT_ERR_H
#define HT_ERR_H

#define HT_ERRBUF 512

#endif
