'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface MonthBar {
  label: string;
  onTime: number;
  late: number;
}

/** Refills per month, on time and late stacked (loaded when it scrolls into view: recharts). */
export function RefillsChart({ data }: { data: MonthBar[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" vertical={false} />
        <XAxis dataKey="label" fontSize={11} />
        <YAxis allowDecimals={false} width={36} fontSize={11} />
        <Tooltip />
        <Legend />
        <Bar dataKey="onTime" name="On time" stackId="refills" fill="#1f6f43" isAnimationActive={false} />
        <Bar dataKey="late" name="Late" stackId="refills" fill="#b3001b" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
