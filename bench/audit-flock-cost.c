// The audit journal lock protocol's extra syscalls, cold (docs/bench/audit.md, "The append journal, production version"):
// flock(LOCK_EX) + 12-byte pread + flock(LOCK_UN), 4 ms sleep before each. gcc -O2 -o /tmp/flock-cost bench/audit-flock-cost.c && /tmp/flock-cost /tmp/flock-cost.bin
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int c,char**v){int n=1000;int fd=open(v[1],O_RDWR|O_CREAT,0600);ftruncate(fd,1<<20);char h[12];
double *a=malloc(n*sizeof(double)),*b=malloc(n*sizeof(double));
for(int i=0;i<n;i++){usleep(4000);double t0=now();flock(fd,LOCK_EX);pread(fd,h,12,0);flock(fd,LOCK_UN);double t1=now();a[i]=t1-t0;
 usleep(4000);t0=now();flock(fd,LOCK_EX);flock(fd,LOCK_UN);b[i]=now()-t0;}
qsort(a,n,sizeof(double),cmp);qsort(b,n,sizeof(double),cmp);
printf("cold flock EX + pread 12 B + flock UN: p50 %.2f p90 %.2f us; flock EX+UN alone: p50 %.2f p90 %.2f us\n",a[n/2],a[n*9/10],b[n/2],b[n*9/10]);}
