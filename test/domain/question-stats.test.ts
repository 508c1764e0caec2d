import { describe, expect, it } from 'vitest';
import { emptySummary, noQuestions, parseStatsWeeks, percent, sparkline, SPARK_GAP, summarizeCells, targetBase, type QuestionCounts, type StatsCell } from '../../src/domain/question-stats.js';

describe('sparkline', () => {
  it('scales from the smallest value (▁) to the largest (█)', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([3600, 600, 1800])).toBe('█▁▄');
    expect(sparkline([10, 20])).toBe('▁█');
  });

  it('shows a gap for a week without data, and scales the rest without it', () => {
    expect(sparkline([undefined, 100, undefined, 200])).toBe(`${SPARK_GAP}▁${SPARK_GAP}█`);
    expect(sparkline([undefined, undefined])).toBe('··');
  });

  it('draws the middle bar when all values are equal, including a single one', () => {
    expect(sparkline([42, 42, 42])).toBe('▄▄▄');
    expect(sparkline([7])).toBe('▄');
    expect(sparkline([0, undefined, 0])).toBe('▄·▄');
  });

  it('is empty for no values', () => {
    expect(sparkline([])).toBe('');
  });
});

describe('percent', () => {
  it('rounds to a whole percent', () => {
    expect(percent(87, 100)).toBe('87 %');
    expect(percent(2, 3)).toBe('67 %');
    expect(percent(3, 3)).toBe('100 %');
    expect(percent(0, 5)).toBe('0 %');
  });

  it('never rounds to 100 % or 0 % when that is not the whole truth', () => {
    expect(percent(199, 200)).toBe('99 %');
    expect(percent(1, 1000)).toBe('1 %');
  });

  it('is "–" when there is nothing to divide by', () => {
    expect(percent(0, 0)).toBe('–');
  });
});

describe('parseStatsWeeks', () => {
  it('defaults to 4 and accepts 1 to 26', () => {
    expect(parseStatsWeeks(undefined)).toBe(4);
    expect(parseStatsWeeks('  ')).toBe(4);
    expect(parseStatsWeeks('1')).toBe(1);
    expect(parseStatsWeeks(' 26 ')).toBe(26);
  });

  it('refuses anything else', () => {
    for (const text of ['0', '27', '-3', '2.5', 'four', '4 weeks', '1e1']) expect(parseStatsWeeks(text), text).toBeUndefined();
  });
});

describe('targetBase', () => {
  it('takes every response and every question that passed the target without one', () => {
    // 1 fast response and 9 ignored questions: the share is of 10, not of 1.
    expect(targetBase({ responded: 1, overdue: 9 })).toBe(10);
    expect(percent(1, targetBase({ responded: 1, overdue: 9 }))).toBe('10 %');
    expect(targetBase({ responded: 0, overdue: 0 })).toBe(0);
  });
});

describe('summarizeCells', () => {
  const cell = (counts: Partial<QuestionCounts>, businessSec: number[], wallSec: number[]): StatsCell => ({
    ...noQuestions(),
    ...counts,
    businessSec: Int32Array.from(businessSec),
    wallSec: Int32Array.from(wallSec),
  });

  it('adds the counts up and takes the percentiles of all the cells’ times, in whole seconds', () => {
    const cells = [
      cell({ asked: 4, responded: 2, waiting: 1, withinTarget: 2, overdue: 1, handedOff: 1 }, [60, 1200], [60, 7201]),
      cell({ asked: 3, responded: 3, withinTarget: 2, handedOff: 2 }, [300, 600, 18_000], [300, 1200, 90_000]),
      cell({ asked: 1, waiting: 1 }, [], []),
    ];
    expect(summarizeCells(cells)).toEqual({
      asked: 8,
      responded: 5,
      waiting: 2,
      withinTarget: 4,
      overdue: 1,
      handedOff: 3,
      medianBusinessSec: 600,
      // 1200 + (18000 - 1200) × 0.6 = 11280; wall 7201 + (90000 - 7201) × 0.6 = 56880.4 → 56880.
      p90BusinessSec: 11_280,
      medianWallSec: 1200,
      p90WallSec: 56_880,
    });
    // Halfway between 7201 and 90000: 48600.5, rounded up.
    expect(summarizeCells([cell({}, [], [7201, 90_000])]).medianWallSec).toBe(48_601);
  });

  it('is the empty summary for no cells, and for cells without responses', () => {
    expect(summarizeCells([])).toEqual(emptySummary());
    expect(summarizeCells([cell({ asked: 2, waiting: 2 }, [], [])])).toEqual({ ...emptySummary(), asked: 2, waiting: 2 });
  });
});
